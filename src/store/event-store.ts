/** @module SQL for the append-only event log: what was decided and why. */
import type { Db } from './db.js';

export type EventStore = ReturnType<typeof createEventStore>;

export function createEventStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO events (conversation_id, message_id, kind, detail, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const list = db.prepare<[number], { kind: string; detail: string; message_id: number | null; created_at: string }>(
    'SELECT kind, detail, message_id, created_at FROM events WHERE conversation_id = ? ORDER BY id',
  );
  return {
    append(e: { conversationId: number | null; messageId: number | null; kind: string; detail: object; at: Date }): void {
      insert.run(e.conversationId, e.messageId, e.kind, JSON.stringify(e.detail), e.at.toISOString());
    },
    forConversation(conversationId: number) {
      return list.all(conversationId).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    },
  };
}
