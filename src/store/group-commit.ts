/** @module Group commit: writes asked for in the same moment share one SQLite transaction. */
import type { Db } from './db.js';

interface Queued {
  write: () => unknown;
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
}

/**
 * A commit writes every changed page to the write-ahead log, and under a burst that, not the statements, is
 * most of the cost of storing a message. Writes asked for while the event loop is busy are queued and committed
 * together on the next turn of the loop. Each write still runs alone inside its own savepoint: one that throws
 * is undone and its caller gets the error, and the others commit. A caller's promise resolves only once its
 * write is committed, so "stored" still means stored.
 */
export class GroupCommit {
  readonly #db: Db;
  #queue: Queued[] = [];
  readonly #commitAll: (queue: Queued[]) => Array<{ ok: true; value: unknown } | { ok: false; err: unknown }>;

  constructor(db: Db) {
    this.#db = db;
    const one = db.transaction((write: () => unknown) => write());
    this.#commitAll = db.transaction((queue: Queued[]) =>
      queue.map((q) => {
        try {
          return { ok: true as const, value: one(q.write) };
        } catch (err) {
          return { ok: false as const, err };
        }
      }),
    );
  }

  /** Runs `write` in a transaction shared with the other writes of this moment; resolves once it is committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush());
      this.#queue.push({ write, resolve: resolve as (value: never) => void, reject });
    });
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    if (!this.#db.open) {
      for (const q of queue) q.reject(new Error('the database is closed'));
      return;
    }
    let results;
    try {
      results = this.#commitAll(queue);
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of this group was stored.
      for (const q of queue) q.reject(err);
      return;
    }
    results.forEach((r, i) => (r.ok ? queue[i]!.resolve(r.value as never) : queue[i]!.reject(r.err)));
  }
}
