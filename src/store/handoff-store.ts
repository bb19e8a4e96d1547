/** @module SQL for handoffs (a person asked for until handed back or closed) and staff notes. */
import type { Db } from './db.js';

export interface HandoffRow {
  id: number;
  conversationId: number;
  level: 'routine' | 'urgent';
  reason: string;
  status: 'waiting' | 'claimed' | 'returned' | 'closed';
  outOfHours: boolean;
  raisedAt: string;
  claimedBy: number | null;
  claimedAt: string | null;
  alertStep: number;
  nextAlertAt: string | null;
}

export interface QueueItem extends HandoffRow {
  shortCode: string | null;
  channel: 'sms' | 'whatsapp';
  language: string | null;
  claimedByName: string | null;
  lastInboundAt: string | null;
  team: string | null;
}

const COLUMNS = `h.id, h.conversation_id AS conversationId, h.level, h.reason, h.status, h.out_of_hours AS outOfHours, h.raised_at AS raisedAt,
  h.claimed_by AS claimedBy, h.claimed_at AS claimedAt, h.alert_step AS alertStep, h.next_alert_at AS nextAlertAt`;
type Raw = Omit<HandoffRow, 'outOfHours'> & { outOfHours: number };
const toRow = <T extends Raw>(r: T): Omit<T, 'outOfHours'> & { outOfHours: boolean } => ({ ...r, outOfHours: r.outOfHours === 1 });

export type HandoffStore = ReturnType<typeof createHandoffStore>;

export function createHandoffStore(db: Db) {
  const open = db.prepare<[number], Raw>(`SELECT ${COLUMNS} FROM handoffs h WHERE h.conversation_id = ? AND h.status IN ('waiting', 'claimed')`);
  const insert = db.prepare(`
    INSERT INTO handoffs (conversation_id, level, reason, status, out_of_hours, raised_at, alert_step, next_alert_at)
    VALUES (@conversationId, @level, @reason, 'waiting', @outOfHours, @at, -1, @nextAlertAt)`);
  const upgrade = db.prepare(`UPDATE handoffs SET level = 'urgent', reason = @reason, alert_step = 0, next_alert_at = @nextAlertAt WHERE id = @id`);
  const due = db.prepare<[string], Raw>(`SELECT ${COLUMNS} FROM handoffs h WHERE h.status = 'waiting' AND h.next_alert_at <= ? ORDER BY h.level = 'urgent' DESC, h.raised_at`);
  const alerted = db.prepare(`UPDATE handoffs SET alert_step = ?, next_alert_at = ? WHERE id = ?`);
  const claim = db.prepare(`UPDATE handoffs SET status = 'claimed', claimed_by = ?, claimed_at = ?, next_alert_at = NULL WHERE id = ? AND status IN ('waiting', 'claimed')`);
  const end = db.prepare(`UPDATE handoffs SET status = ?, ended_at = ?, ended_by = ?, next_alert_at = NULL WHERE id = ? AND status IN ('waiting', 'claimed')`);
  const queue = db.prepare<[], Raw & Omit<QueueItem, keyof HandoffRow>>(`
    SELECT ${COLUMNS}, v.short_code AS shortCode, c.channel, c.language, s.name AS claimedByName, v.last_inbound_at AS lastInboundAt, c.team
    FROM handoffs h JOIN conversations v ON v.id = h.conversation_id JOIN contacts c ON c.id = v.contact_id
    LEFT JOIN staff s ON s.id = h.claimed_by
    WHERE h.status IN ('waiting', 'claimed')
    ORDER BY h.level = 'urgent' DESC, h.raised_at`);
  const latest = db.prepare<[number], Raw>(`SELECT ${COLUMNS} FROM handoffs h WHERE h.conversation_id = ? ORDER BY h.id DESC LIMIT 1`);
  const setCode = db.prepare(`UPDATE conversations SET short_code = ? WHERE id = ? AND short_code IS NULL`);
  const byCode = db.prepare<[string], { id: number }>(`SELECT id FROM conversations WHERE short_code = ?`);
  const addNote = db.prepare(`INSERT INTO notes (conversation_id, staff_id, body, created_at) VALUES (?, ?, ?, ?)`);
  const notes = db.prepare<[number], { body: string; createdAt: string; staffName: string }>(`
    SELECT n.body, n.created_at AS createdAt, s.name AS staffName FROM notes n JOIN staff s ON s.id = n.staff_id WHERE n.conversation_id = ? ORDER BY n.id`);

  return {
    open: (conversationId: number) => {
      const r = open.get(conversationId);
      return r ? toRow(r) : undefined;
    },
    latest: (conversationId: number) => {
      const r = latest.get(conversationId);
      return r ? toRow(r) : undefined;
    },
    create(h: { conversationId: number; level: 'routine' | 'urgent'; reason: string; outOfHours: boolean; at: Date; nextAlertAt: Date | null }): number {
      return Number(insert.run({ ...h, outOfHours: h.outOfHours ? 1 : 0, at: h.at.toISOString(), nextAlertAt: h.nextAlertAt?.toISOString() ?? null }).lastInsertRowid);
    },
    upgradeToUrgent: (id: number, reason: string, nextAlertAt: Date) => upgrade.run({ id, reason, nextAlertAt: nextAlertAt.toISOString() }),
    due: (now: Date) => due.all(now.toISOString()).map(toRow),
    alerted: (id: number, step: number, nextAlertAt: Date | null) => alerted.run(step, nextAlertAt?.toISOString() ?? null, id),
    claim: (id: number, staffId: number, at: Date) => claim.run(staffId, at.toISOString(), id).changes === 1,
    end: (id: number, status: 'returned' | 'closed', staffId: number | null, at: Date) => end.run(status, at.toISOString(), staffId, id).changes === 1,
    queue: (): QueueItem[] => queue.all().map(toRow),
    /** Gives the conversation a short code (for PAs replying by text) if it has none; returns the code it has. */
    ensureShortCode(conversationId: number, make: () => string): string {
      for (let i = 0; i < 20; i++) {
        try {
          setCode.run(make(), conversationId);
          break;
        } catch {
          // a code already used by another conversation: draw again
        }
      }
      return (db.prepare('SELECT short_code AS c FROM conversations WHERE id = ?').get(conversationId) as { c: string }).c;
    },
    conversationByCode: (code: string) => byCode.get(code.toUpperCase())?.id,
    addNote: (conversationId: number, staffId: number, body: string, at: Date) => addNote.run(conversationId, staffId, body, at.toISOString()),
    notes: (conversationId: number) => notes.all(conversationId),
  };
}
