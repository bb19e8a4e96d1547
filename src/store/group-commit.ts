/** @module Group commit: writes asked for in the same moment share one SQLite transaction. */
import type { Db } from './db.js';

/** Writes in one transaction at most, so the other thread's connection is never kept from the file for long. */
const MAX_GROUP = 16;
/** How long a group keeps trying while another connection holds the database, before its callers get the error. */
const BUSY_GIVE_UP_MS = 10_000;

const isBusy = (err: unknown) => String((err as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

interface Queued {
  write: () => unknown;
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/**
 * A commit writes every changed page to the write-ahead log, and under a burst that, not the statements, is
 * most of the cost of storing a message. Writes asked for while the event loop is busy are queued and committed
 * together on the next turn of the loop, in the order they were asked for. Each write runs inside its own
 * savepoint: one that throws is undone and its caller gets the error, and the others commit. A caller's promise
 * resolves only once its write is committed, so "stored" still means stored.
 */
export class GroupCommit {
  readonly #db: Db;
  readonly #queue: Queued[] = [];
  readonly #commit: (group: Queued[]) => Outcome[];
  /** The connection's own wait for a lock, kept for everything else that writes on it. */
  readonly #busyTimeout: number;
  readonly #setWait: (wait: boolean) => void;
  #scheduled = false;
  /** A group is waiting for the other connection to let go; later groups wait behind it, to keep the order. */
  #blocked = false;

  constructor(db: Db) {
    this.#db = db;
    this.#busyTimeout = Number(db.pragma('busy_timeout', { simple: true }));
    // Prepared once: db.pragma() would prepare the statement again on every group.
    const noWait = db.prepare('PRAGMA busy_timeout = 0');
    const usualWait = db.prepare(`PRAGMA busy_timeout = ${this.#busyTimeout}`);
    this.#setWait = (wait) => (wait ? usualWait : noWait).run();
    const one = db.transaction((write: () => unknown) => write());
    const all = db.transaction((group: Queued[]): Outcome[] =>
      group.map((q) => {
        try {
          return { ok: true, value: one(q.write) };
        } catch (err) {
          return { ok: false, err };
        }
      }),
    );
    // IMMEDIATE takes the write lock first: a transaction that read first could not then write while the other
    // thread's connection wrote, and would fail at once.
    this.#commit = (group) => all.immediate(group);
  }

  /** Runs `write` in a transaction shared with the other writes of this moment; resolves once it is committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: never) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#blocked) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush(this.#queue.splice(0, MAX_GROUP), Date.now());
    });
  }

  #flush(group: Queued[], firstTry: number): void {
    if (group.length === 0) return;
    if (!this.#db.open) {
      for (const q of [...group, ...this.#queue.splice(0)]) q.reject(new Error('the database is closed'));
      return;
    }
    let outcomes: Outcome[];
    try {
      // SQLite waits for a lock by sleeping, which would stop this thread (and the HTTP it serves) dead. A group
      // that finds the database taken gives the loop back and tries again a moment later.
      this.#setWait(false);
      outcomes = this.#commit(group);
    } catch (err) {
      if (isBusy(err) && Date.now() - firstTry < BUSY_GIVE_UP_MS) {
        // Nothing of this group was written: the same group goes again, ahead of everything asked for since.
        this.#blocked = true;
        setTimeout(() => {
          this.#blocked = false;
          this.#flush(group, firstTry);
        }, 1);
        return;
      }
      // The commit itself failed (disk full, I/O error, held too long): nothing of this group was stored.
      for (const q of group) q.reject(err);
      this.#schedule();
      return;
    } finally {
      if (this.#db.open) this.#setWait(true);
    }
    outcomes.forEach((o, i) => (o.ok ? group[i]!.resolve(o.value as never) : group[i]!.reject(o.err)));
    if (this.#queue.length > 0) this.#schedule();
  }
}
