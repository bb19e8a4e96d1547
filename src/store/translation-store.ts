/** @module SQL for the machine-translation cache. */
import type { Db } from './db.js';

export type TranslationStore = ReturnType<typeof createTranslationStore>;

export function createTranslationStore(db: Db) {
  const get = db.prepare<[string], { text: string }>('SELECT text FROM translations WHERE key = ?');
  const put = db.prepare('INSERT OR REPLACE INTO translations (key, source_lang, target_lang, provider, text, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  return {
    get: (key: string) => get.get(key)?.text,
    put: (t: { key: string; from: string; to: string; provider: string; text: string; at: Date }) =>
      put.run(t.key, t.from, t.to, t.provider, t.text, t.at.toISOString()),
  };
}
