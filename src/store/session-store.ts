/** @module Staff login sessions kept in the service's own SQLite file (no timers: expired rows go as new ones are written). */
import session from 'express-session';
import type { Db } from './db.js';

export class SqliteSessionStore extends session.Store {
  readonly #get;
  readonly #set;
  readonly #destroy;
  readonly #touch;
  readonly #purge;

  constructor(db: Db, private readonly now: () => Date) {
    super();
    this.#get = db.prepare<[string, string], { data: string }>('SELECT data FROM staff_sessions WHERE sid = ? AND expires_at > ?');
    this.#set = db.prepare('INSERT INTO staff_sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at');
    this.#destroy = db.prepare('DELETE FROM staff_sessions WHERE sid = ?');
    this.#touch = db.prepare('UPDATE staff_sessions SET expires_at = ? WHERE sid = ?');
    this.#purge = db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?');
  }

  #expiry(s: session.SessionData): string {
    const maxAge = s.cookie?.maxAge ?? 8 * 3600_000;
    return new Date(this.now().getTime() + maxAge).toISOString();
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    const row = this.#get.get(sid, this.now().toISOString());
    cb(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
  }

  override set(sid: string, s: session.SessionData, cb?: (err?: unknown) => void): void {
    this.#purge.run(this.now().toISOString());
    this.#set.run(sid, JSON.stringify(s), this.#expiry(s));
    cb?.();
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.#destroy.run(sid);
    cb?.();
  }

  override touch(sid: string, s: session.SessionData, cb?: () => void): void {
    this.#touch.run(this.#expiry(s), sid);
    cb?.();
  }
}
