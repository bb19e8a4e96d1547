/** @module SQL for data-subject requests: everything held about one phone number, exported or erased. */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';

export type SubjectStore = ReturnType<typeof createSubjectStore>;

export function createSubjectStore(db: Db) {
  const contacts = db.prepare<[string], { id: number }>('SELECT id FROM contacts WHERE address = ?');
  const all = (sql: string, id: number) => db.prepare(sql).all(id);
  return {
    /** Everything about the person with this number, on every channel, as plain data (subject access). */
    export(address: string): Record<string, unknown>[] {
      return contacts.all(address).map(({ id }) => ({
        contact: db.prepare('SELECT channel, address, name, date_of_birth, team, pa_email, language, language_source, opted_out, opted_out_at, source, created_at FROM contacts WHERE id = ?').get(id),
        messages: all(`SELECT m.direction, m.origin, m.body, m.translation, m.original_body, m.language, m.status, m.created_at
          FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.contact_id = ? ORDER BY m.id`, id),
        handoffs: all(`SELECT h.level, h.reason, h.status, h.raised_at, h.claimed_at, h.ended_at FROM handoffs h JOIN conversations v ON v.id = h.conversation_id WHERE v.contact_id = ?`, id),
        notes: all(`SELECT n.body, n.created_at FROM notes n JOIN conversations v ON v.id = n.conversation_id WHERE v.contact_id = ?`, id),
        events: all(`SELECT e.kind, e.detail, e.created_at FROM events e JOIN conversations v ON v.id = e.conversation_id WHERE v.contact_id = ? ORDER BY e.id`, id),
        campaigns: all('SELECT campaign, year, status, reason, decided_at FROM campaign_sends WHERE contact_id = ?', id),
      }));
    },

    /**
     * Deletes everything about the person (messages, translations, events, notes, handoffs, campaign history,
     * audit entries about their conversations) in one transaction; the audit keeps only that an erasure happened.
     * Returns how many contacts (channels) were erased.
     */
    erase(address: string, at: Date): number {
      const ids = contacts.all(address).map((c) => c.id);
      if (ids.length === 0) return 0;
      db.transaction(() => {
        for (const id of ids) {
          const conv = `(SELECT id FROM conversations WHERE contact_id = ${Number(id)})`;
          // Cached machine translations are keyed by a hash of their text: recompute the keys to find them.
          const texts = db.prepare(`SELECT body, translation, original_body FROM messages WHERE conversation_id IN ${conv}`).all() as Array<Record<string, string | null>>;
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
