/** @module SQL for messages in and out; outbound rows double as the durable outbox. */
import type { Db } from './db.js';
import type { InboundMessage } from '../conversation/types.js';

export interface StoredInbound {
  id: number;
  conversationId: number;
  providerId: string;
  text: string;
  mediaCount: number;
  receivedAt: string;
  /** Typed into the web simulator: whatever number it claims, it is never a staff phone. */
  simulated: boolean;
}

export interface OutboxRow {
  id: number;
  conversationId: number;
  channel: 'sms' | 'whatsapp';
  contentSid: string | null;
  contentVariables: string | null;
  address: string;
  optedOut: boolean;
  body: string;
  ignoreOptOut: boolean;
  attempts: number;
}

export interface TranscriptLine {
  id: number;
  direction: 'in' | 'out';
  origin: string;
  body: string;
  status: string;
  errorCode: string | null;
  createdAt: string;
  language: string | null;
  channel: 'sms' | 'whatsapp';
  staffName: string | null;
  /** Inbound: machine translation into English. */
  translation: string | null;
  /** Outbound from a PA: the English they wrote, when it was machine-translated. */
  originalBody: string | null;
}

/** Delivery states in the order a message moves through them; a late callback never moves one backwards. */
const STATUS_RANK: Record<string, number> = {
  queued: 0, sending: 1, accepted: 1, scheduled: 1, sent: 2, delivered: 3, read: 4,
  undelivered: 3, failed: 3, canceled: 3,
};

export type MessageStore = ReturnType<typeof createMessageStore>;

export function createMessageStore(db: Db) {
  const insertIn = db.prepare(`
    INSERT OR IGNORE INTO messages (conversation_id, direction, provider_id, body, media, origin, status, simulated, created_at, updated_at)
    VALUES (@conversationId, 'in', @providerId, @body, @media, 'young_person', 'received', @simulated, @at, @at)`);
  const inboundRow = `SELECT id, conversation_id AS conversationId, provider_id AS providerId, body AS text,
      COALESCE(json_array_length(media), 0) AS mediaCount, created_at AS receivedAt, simulated FROM messages`;
  type InboundRow = Omit<StoredInbound, 'simulated'> & { simulated: number };
  const toStored = (r: InboundRow): StoredInbound => ({ ...r, simulated: r.simulated === 1 });
  const unprocessed = db.prepare<[], InboundRow>(`${inboundRow} WHERE direction = 'in' AND status = 'received' ORDER BY id`);
  const unprocessedFor = db.prepare<[number], InboundRow>(
    `${inboundRow} WHERE direction = 'in' AND status = 'received' AND conversation_id = ? ORDER BY id`,
  );
  const failedTurn = db.prepare(`UPDATE messages SET status = 'failed', updated_at = ? WHERE id = ? AND status = 'received'`);
  const setTranslation = db.prepare(`UPDATE messages SET translation = ?, machine_translated = 1 WHERE id = ?`);
  const processed = db.prepare(`UPDATE messages SET status = 'processed', language = ?, updated_at = ? WHERE id = ? AND status = 'received'`);
  const insertOut = db.prepare(`
    INSERT OR IGNORE INTO messages (conversation_id, direction, body, language, origin, status, ignore_opt_out, reply_to, seq,
      segments, staff_id, channel, content_sid, content_variables, original_body, machine_translated, next_attempt_at, created_at, updated_at)
    VALUES (@conversationId, 'out', @body, @language, @origin, 'queued', @ignoreOptOut, @replyTo, @seq, @segments, @staffId, @channel,
      @contentSid, @contentVariables, @original, @machineTranslated, @at, @at, @at)`);
  // Without INDEXED BY the planner walks every message in id order to find the few queued ones.
  const due = db.prepare<[{ now: string; limit: number }], Omit<OutboxRow, 'optedOut' | 'ignoreOptOut'> & { optedOut: number; ignoreOptOut: number }>(`
    SELECT m.id, m.conversation_id AS conversationId, COALESCE(m.channel, c.channel) AS channel, c.address, c.opted_out AS optedOut, m.body,
      m.ignore_opt_out AS ignoreOptOut, m.attempts, m.content_sid AS contentSid, m.content_variables AS contentVariables
    FROM messages m INDEXED BY messages_queued JOIN conversations v ON v.id = m.conversation_id JOIN contacts c ON c.id = v.contact_id
    WHERE m.direction = 'out' AND m.status = 'queued' AND m.next_attempt_at <= @now
      -- A reply never overtakes an earlier one of its conversation that waits for a retry. (One being sent is
      -- ahead of it in the same drain; a row left 'sending' by a failed write must not silence the conversation.)
      AND NOT EXISTS (SELECT 1 FROM messages e INDEXED BY messages_queued WHERE e.direction = 'out' AND e.status = 'queued'
        AND e.next_attempt_at > @now AND e.conversation_id = m.conversation_id AND e.id < m.id)
    ORDER BY m.id LIMIT @limit`);
  // The first retry still to come; rows held behind one come due no earlier than it.
  const nextRetry = db.prepare<[string], { at: string | null }>(
    `SELECT MIN(next_attempt_at) AS at FROM messages INDEXED BY messages_queued WHERE direction = 'out' AND status = 'queued' AND next_attempt_at > ?`,
  );
  const sending = db.prepare(`UPDATE messages SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'queued'`);
  const sent = db.prepare(`UPDATE messages SET status = ?, provider_id = ?, segments = COALESCE(?, segments), error_code = NULL, updated_at = ? WHERE id = ?`);
  const retry = db.prepare(`UPDATE messages SET status = 'queued', error_code = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`);
  const failed = db.prepare(`UPDATE messages SET status = 'failed', error_code = ?, updated_at = ? WHERE id = ?`);
  const resetSending = db.prepare(`UPDATE messages SET status = 'queued', updated_at = ? WHERE direction = 'out' AND status = 'sending'`);
  const byProvider = db.prepare<[string], { id: number; status: string; conversationId: number }>(
    `SELECT id, status, conversation_id AS conversationId FROM messages WHERE provider_id = ? AND direction = 'out'`,
  );
  const setStatus = db.prepare(`UPDATE messages SET status = ?, error_code = COALESCE(?, error_code), updated_at = ? WHERE id = ?`);
  const transcript = db.prepare<[number], TranscriptLine>(`
    SELECT m.id, m.direction, m.origin, m.body, m.status, m.error_code AS errorCode, m.created_at AS createdAt, m.language,
      COALESCE(m.channel, c.channel) AS channel, s.name AS staffName, m.translation, m.original_body AS originalBody
    FROM messages m JOIN conversations v ON v.id = m.conversation_id JOIN contacts c ON c.id = v.contact_id
    LEFT JOIN staff s ON s.id = m.staff_id WHERE m.conversation_id = ? ORDER BY m.id`);
  const repliesTo = db.prepare<[number], { body: string; segments: number | null }>(
    `SELECT body, segments FROM messages WHERE reply_to = ? ORDER BY seq`,
  );

  return {
    /** Stores an inbound message once; a second delivery of the same provider id reports `duplicate`. */
    insertInbound(conversationId: number, m: InboundMessage): { id: number; duplicate: boolean } {
      const r = insertIn.run({
        conversationId,
        providerId: m.providerId,
        body: m.text,
        media: m.media.length ? JSON.stringify(m.media) : null,
        simulated: m.simulated ? 1 : 0,
        at: m.receivedAt.toISOString(),
      });
      if (r.changes === 0) return { id: 0, duplicate: true };
      return { id: Number(r.lastInsertRowid), duplicate: false };
    },
    unprocessed: () => unprocessed.all().map(toStored),
    unprocessedFor: (conversationId: number) => unprocessedFor.all(conversationId).map(toStored),
    markProcessed(id: number, language: string, now: Date): boolean {
      return processed.run(language, now.toISOString(), id).changes === 1;
    },
    /** Keeps the machine translation of an inbound message for staff. */
    setTranslation: (id: number, text: string) => setTranslation.run(text, id),
    /** Closes an inbound message whose turn threw, so it cannot block the conversation. */
    markFailedTurn: (id: number, now: Date) => failedTurn.run(now.toISOString(), id).changes === 1,
    queueReply(r: {
      conversationId: number; replyTo: number | null; seq: number; body: string; language: string;
      origin: 'bot' | 'pa'; segments: number; ignoreOptOut: boolean; at: Date;
      staffId?: number; channel?: 'sms' | 'whatsapp'; template?: { contentSid: string; variables: Record<string, string> };
      /** For a machine-translated PA message: what the PA wrote. */
      original?: string;
    }): number {
      const res = insertOut.run({
        original: r.original ?? null, machineTranslated: r.original ? 1 : 0,
        ...r, ignoreOptOut: r.ignoreOptOut ? 1 : 0, at: r.at.toISOString(), staffId: r.staffId ?? null, channel: r.channel ?? null,
        contentSid: r.template?.contentSid ?? null, contentVariables: r.template ? JSON.stringify(r.template.variables) : null,
      });
      return Number(res.lastInsertRowid);
    },
    /** Rows to send now, oldest first; a row waits while an earlier one of its conversation waits for a retry. */
    due(now: Date, limit: number): OutboxRow[] {
      return due.all({ now: now.toISOString(), limit }).map((r) => ({ ...r, optedOut: r.optedOut === 1, ignoreOptOut: r.ignoreOptOut === 1 }));
    },
    /** When the outbox should look again: now if something can go now, else the first retry still to come. */
    nextDueAt(now: Date): Date | null {
      if (due.all({ now: now.toISOString(), limit: 1 }).length > 0) return now;
      const at = nextRetry.get(now.toISOString())?.at;
      return at ? new Date(at) : null;
    },
    /** Claims a queued row for one send attempt; false when someone else already has it. */
    markSending: (id: number, now: Date) => sending.run(now.toISOString(), id).changes === 1,
    markSent(id: number, providerId: string, status: string, segments: number | null, now: Date): void {
      sent.run(status, providerId, segments, now.toISOString(), id);
    },
    markRetry: (id: number, code: string, at: Date, now: Date) => retry.run(code, at.toISOString(), now.toISOString(), id),
    markFailed: (id: number, code: string, now: Date) => failed.run(code, now.toISOString(), id),
    /** After a crash: a row left 'sending' may or may not have reached the provider; send it again rather than lose it. */
    requeueInterrupted: (now: Date) => resetSending.run(now.toISOString()).changes,
    /** Applies a delivery callback; returns the message it concerned, or undefined if it is not ours. */
    applyStatus(providerId: string, status: string, errorCode: string | null, now: Date) {
      const row = byProvider.get(providerId);
      if (!row) return undefined;
      const from = STATUS_RANK[row.status] ?? 0;
      const to = STATUS_RANK[status];
      const terminal = row.status === 'failed' || row.status === 'undelivered' || row.status === 'read';
      if (to !== undefined && !terminal && to >= from && status !== row.status) {
        setStatus.run(status, errorCode, now.toISOString(), row.id);
      }
      return row;
    },
    transcript: (conversationId: number) => transcript.all(conversationId),
    repliesTo: (inboundId: number) => repliesTo.all(inboundId),
  };
}
