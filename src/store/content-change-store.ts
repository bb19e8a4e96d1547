/** @module SQL for content changes made from the dashboard: phrasings added to intents, and gaps in the offer. */
import type { Db } from './db.js';

export interface ContentChange {
  kind: 'phrasing' | 'gap';
  intent: string | null;
  text: string;
  staffName: string;
  at: string;
}

export type ContentChangeStore = ReturnType<typeof createContentChangeStore>;

export function createContentChangeStore(db: Db) {
  const add = db.prepare('INSERT INTO content_changes (kind, intent, text, staff_id, at) VALUES (?, ?, ?, ?, ?)');
  const list = db.prepare<[], ContentChange>(`SELECT c.kind, c.intent, c.text, s.name AS staffName, c.at FROM content_changes c JOIN staff s ON s.id = c.staff_id ORDER BY c.id`);
  return {
    add: (kind: 'phrasing' | 'gap', intent: string | null, text: string, staffId: number, at: Date) => add.run(kind, intent, text, staffId, at.toISOString()),
    list: () => list.all(),
    phrasings: () => list.all().filter((c) => c.kind === 'phrasing'),
  };
}
