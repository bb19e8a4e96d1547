/** @module SQL for the insights report: counts over a period, never below the smallest group that may be shown. */
import type { Db } from './db.js';

export type ReportStore = ReturnType<typeof createReportStore>;

export function createReportStore(db: Db) {
  const q = <T>(sql: string, params: object) => db.prepare(sql).all(params) as T[];
  const IN_PERIOD = `m.created_at >= @from AND m.created_at < @to`;
  return {
    perWeek: (p: { from: string; to: string }) => q<{ week: string; messages: number; youngPeople: number }>(`
      SELECT date(m.created_at, '-6 days', 'weekday 1') AS week, COUNT(*) AS messages, COUNT(DISTINCT v.contact_id) AS youngPeople
      FROM messages m JOIN conversations v ON v.id = m.conversation_id
      WHERE m.direction = 'in' AND ${IN_PERIOD} GROUP BY week ORDER BY week`, p),
    /** What each message was understood as, with who sent it (for the smallest-group rule). */
    turns: (p: { from: string; to: string }) => q<{ detail: string; contactId: number; text: string; language: string | null; channel: string }>(`
      SELECT e.detail, v.contact_id AS contactId, m.body AS text, m.language, c.channel
      FROM events e JOIN messages m ON m.id = e.message_id JOIN conversations v ON v.id = m.conversation_id JOIN contacts c ON c.id = v.contact_id
      WHERE e.kind = 'turn' AND ${IN_PERIOD}`, p),
    handoffs: (p: { from: string; to: string }) => q<{ level: string; reason: string; raisedAt: string; claimedAt: string | null; firstReplyAt: string | null; contactId: number; outOfHours: number }>(`
      SELECT h.level, h.reason, h.raised_at AS raisedAt, h.claimed_at AS claimedAt, v.contact_id AS contactId, h.out_of_hours AS outOfHours,
        (SELECT MIN(o.created_at) FROM messages o WHERE o.conversation_id = h.conversation_id AND o.origin = 'pa' AND o.created_at >= h.raised_at) AS firstReplyAt
      FROM handoffs h JOIN conversations v ON v.id = h.conversation_id WHERE h.raised_at >= @from AND h.raised_at < @to`, p),
    optOuts: (p: { from: string; to: string }) => db.prepare(`SELECT COUNT(DISTINCT v.contact_id) FROM events e JOIN conversations v ON v.id = e.conversation_id
      WHERE e.kind = 'optout.stop' AND e.created_at >= @from AND e.created_at < @to`).pluck().get(p) as number,
    cardStarts: (p: { from: string; to: string }) => q<{ contactId: number; handedOff: number; topics: number }>(`
      SELECT c.id AS contactId,
        EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = v.id) AS handedOff,
        (SELECT COUNT(*) FROM events e WHERE e.conversation_id = v.id AND e.kind = 'turn' AND json_extract(e.detail, '$.topic') IS NOT NULL) AS topics
      FROM contacts c JOIN conversations v ON v.contact_id = c.id
      WHERE c.source = 'card' AND EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = v.id AND e.kind = 'source.card' AND e.created_at >= @from AND e.created_at < @to)`, p),
  };
}
