/** @module SQL for data-subject requests: everything held about one phone number, exported or erased. */
import { createHash } from 'node:crypto';
import { parseRelay } from '../handoff/relay-code.js';
import type { Db } from './db.js';

type MessageExport = Record<string, unknown> & { media: string | null; staff_name: string | null; staff_email: string | null };

export type SubjectStore = ReturnType<typeof createSubjectStore>;

export function createSubjectStore(db: Db) {
  const contacts = db.prepare<[string], { id: number }>('SELECT id FROM contacts WHERE address = ?');
  const all = (sql: string, id: number) => db.prepare(sql).all(id);

  /**
   * What other conversations (staff phones' threads) hold about the contact's conversations: texts a PA sent from
   * their phone starting with its code (which can name the young person), and the alerts that link to it.
   */
  const aboutThemElsewhere = (contactId: number) => {
    const theirs = db.prepare<[number], { id: number; code: string | null }>('SELECT id, short_code AS code FROM conversations WHERE contact_id = ?').all(contactId);
    const codes = new Set(theirs.flatMap((c) => (c.code ? [c.code] : [])));
    const ids = new Set(theirs.map((c) => c.id));
    const relayed = codes.size === 0 ? [] : db.prepare<[], { id: number; conversationId: number; body: string }>(`
      SELECT m.id, m.conversation_id AS conversationId, m.body FROM events e JOIN messages m ON m.id = e.message_id
      WHERE e.kind = 'staff.relay' AND m.direction = 'in'`).all()
      .filter((m) => !ids.has(m.conversationId) && codes.has(parseRelay(m.body)?.code ?? ''));
    // Only staff alerts carry console links; the id must not run on into a longer one (12 is not 123).
    const links = new RegExp(`/console/conversations/(?:${[...ids].join('|')})(?!\\d)`);
    const alerts = ids.size === 0 ? [] : db.prepare<[], { id: number; conversationId: number; body: string }>(`
      SELECT id, conversation_id AS conversationId, body FROM messages WHERE direction = 'out' AND origin = 'bot' AND body LIKE '%/console/conversations/%'`).all()
      .filter((m) => !ids.has(m.conversationId) && links.test(m.body));
    return { relayed, messageIds: [...relayed, ...alerts].map((m) => m.id) };
  };
  return {
    /** Everything about the person with this number, on every channel, as plain data (subject access). */
    export(address: string): Record<string, unknown>[] {
      return contacts.all(address).map(({ id }) => ({
        contact: db.prepare('SELECT channel, address, name, date_of_birth, team, pa_email, language, language_source, opted_out, opted_out_at, source, created_at FROM contacts WHERE id = ?').get(id),
        // Pictures and files are kept at the provider: the export gives their addresses. A PA's reply names who sent it.
        messages: (all(`SELECT m.direction, m.origin, m.body, m.media, m.translation, m.original_body, m.language, m.status, m.created_at,
            s.name AS staff_name, s.email AS staff_email
          FROM messages m JOIN conversations v ON v.id = m.conversation_id LEFT JOIN staff s ON s.id = m.staff_id WHERE v.contact_id = ? ORDER BY m.id`, id) as MessageExport[])
          .map(({ media, staff_name, staff_email, ...m }) => ({ ...m, media: media ? JSON.parse(media) as unknown : null, sent_by: staff_name ? { name: staff_name, email: staff_email } : null })),
        handoffs: all(`SELECT h.level, h.reason, h.status, h.raised_at, h.claimed_at, h.ended_at FROM handoffs h JOIN conversations v ON v.id = h.conversation_id WHERE v.contact_id = ?`, id),
        notes: all(`SELECT n.body, n.created_at, s.name AS written_by FROM notes n JOIN conversations v ON v.id = n.conversation_id JOIN staff s ON s.id = n.staff_id WHERE v.contact_id = ? ORDER BY n.id`, id),
        events: all(`SELECT e.kind, e.detail, e.created_at FROM events e JOIN conversations v ON v.id = e.conversation_id WHERE v.contact_id = ? ORDER BY e.id`, id),
        campaigns: all('SELECT campaign, year, status, reason, decided_at FROM campaign_sends WHERE contact_id = ?', id),
        // Which member of staff opened, claimed, answered or noted their conversation, and when.
        audit: (all(`SELECT a.action, a.detail, a.at, s.name AS staff FROM audit a JOIN conversations v ON v.id = a.conversation_id
          LEFT JOIN staff s ON s.id = a.staff_id WHERE v.contact_id = ? ORDER BY a.id`, id) as Array<{ detail: string }>)
          .map((a) => ({ ...a, detail: JSON.parse(a.detail) as unknown })),
      }));
    },

    /**
     * Deletes everything about the person (messages, translations, events, notes, handoffs, campaign history,
     * audit entries about their conversations, and in staff phones' threads the alerts about them and the texts PAs
     * relayed to them with the confirmations) in one transaction; the audit keeps only that an erasure happened.
     * Returns how many contacts (channels) were erased.
     */
    erase(address: string, at: Date): number {
      const ids = contacts.all(address).map((c) => c.id);
      if (ids.length === 0) return 0;
      db.transaction(() => {
        for (const id of ids) {
          const conv = `(SELECT id FROM conversations WHERE contact_id = ${Number(id)})`;
          const elsewhere = aboutThemElsewhere(id);
          // Cached machine translations are keyed by a hash of their text: recompute the keys to find them.
          const texts = db.prepare(`SELECT body, translation, original_body FROM messages WHERE conversation_id IN ${conv}`).all() as Array<Record<string, string | null>>;
          texts.push(...elsewhere.relayed.map((r) => ({ body: r.body })));
          const variants = db.prepare('SELECT DISTINCT provider, source_lang AS s, target_lang AS t FROM translations').all() as Array<{ provider: string; s: string; t: string }>;
          const del = db.prepare('DELETE FROM translations WHERE key = ? OR text = ?');
          for (const row of texts) {
            for (const text of Object.values(row)) {
              if (!text) continue;
              del.run('', text);
              for (const v of variants) del.run(createHash('sha256').update(`${v.provider}\u0000${v.s}\u0000${v.t}\u0000${text}`).digest('hex'), text);
            }
          }
          db.prepare(`DELETE FROM events WHERE conversation_id IN ${conv} OR message_id IN (SELECT id FROM messages WHERE conversation_id IN ${conv})`).run();
          const staffThread = JSON.stringify(elsewhere.messageIds);
          db.prepare('DELETE FROM events WHERE message_id IN (SELECT value FROM json_each(?))').run(staffThread);
          // Confirmations first: they point at the relayed texts they answer.
          db.prepare('DELETE FROM messages WHERE reply_to IN (SELECT value FROM json_each(?))').run(staffThread);
          db.prepare('DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))').run(staffThread);
          db.prepare(`DELETE FROM audit WHERE conversation_id IN ${conv}`).run();
          db.prepare(`DELETE FROM notes WHERE conversation_id IN ${conv}`).run();
          db.prepare(`DELETE FROM handoffs WHERE conversation_id IN ${conv}`).run();
          db.prepare('DELETE FROM campaign_sends WHERE contact_id = ?').run(id);
          db.prepare(`DELETE FROM messages WHERE conversation_id IN ${conv}`).run();
          db.prepare('DELETE FROM conversations WHERE contact_id = ?').run(id);
          db.prepare('DELETE FROM contacts WHERE id = ?').run(id);
        }
        db.prepare('INSERT INTO audit (staff_id, action, conversation_id, detail, at) VALUES (NULL, ?, NULL, ?, ?)').run('erasure', JSON.stringify({ contacts: ids.length }), at.toISOString());
      }).immediate();
      // Deleted pages are zeroed (secure_delete) and the write-ahead log emptied, so nothing is left in the files.
      db.pragma('wal_checkpoint(TRUNCATE)');
      return ids.length;
    },
  };
}
