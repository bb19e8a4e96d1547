/** @module The database side of backups: an online copy through SQLite's backup API, the checks a copy must pass, and whether anyone has the file open. */
import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, rmSync } from 'node:fs';
import type { Db } from './db.js';
import { migrations } from './migrations.js';

/**
 * Every page in one step. SQLite starts a backup again from the first page when another connection (the turn
 * thread, or the service while the CLI copies) writes between two steps, so under a steady stream of messages a
 * copy made a hundred pages at a time might never finish. One step holds a read snapshot for the whole copy; in
 * WAL mode that blocks no writer. It costs about a quarter of a second per 100 MB on this thread.
 */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the open database into `file`, which must not exist yet: created 0600 before SQLite writes a byte, made a
 * single self-contained file (no -wal beside it), checked with integrity_check and flushed to disk. On any failure
 * the partial copy is removed and the error thrown.
 */
export async function copyDatabase(db: Db, file: string): Promise<void> {
  // Made here with the mode set, so no other user can read the young people's messages even while it is written.
  closeSync(openSync(file, 'wx', 0o600));
  try {
    await db.backup(file, { progress: () => ALL_PAGES });
    const copy = new Database(file, { fileMustExist: true });
    try {
      // The copy carries the live file's WAL setting; a backup is one file, to be moved and opened anywhere.
      copy.pragma('journal_mode = DELETE');
      const problems = integrityProblems(copy);
      if (problems.length > 0) throw new Error(`the copy failed its integrity check: ${problems.slice(0, 5).join('; ')}`);
    } finally {
      copy.close();
    }
    syncFile(file);
  } catch (err) {
    removeDatabaseFile(file);
    throw err;
  }
}

/** What is wrong with a database file that is meant to hold offerline's data; empty when it is sound and ours. */
export function checkDatabaseFile(file: string): string[] {
  let db: Db | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const problems = integrityProblems(db);
    if (problems.length > 0) return problems;
    const known = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).get();
    if (!known) return ['it is a SQLite database, but not an offerline one (no schema_migrations table)'];
    const newest = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations').get()?.v ?? 0;
    const ours = Math.max(...migrations.map((m) => m.version));
    if (newest > ours) return [`it was made by a newer offerline (schema ${newest}; this one knows up to ${ours})`];
    return [];
  } catch (err) {
    // A file that is not a database at all, or one damaged where SQLite reads first, fails before the check runs.
    return [err instanceof Error ? err.message : String(err)];
  } finally {
    db?.close();
  }
}

function integrityProblems(db: Db): string[] {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const messages = rows.map((r) => r.integrity_check);
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

export type Occupancy = { inUse: false } | { inUse: true } | { inUse: 'unknown'; reason: string };

/**
 * Whether any process (the service, its turn thread, a CLI command) has the database open. An idle connection
 * holds no lock on the database file itself, so trying for an exclusive lock is not enough (it is granted between
 * the service's transactions). SQLite's own test is used instead: the last connection to close a WAL database
 * checkpoints it and removes the -wal and -shm files, and it knows it is the last by the lock every open
 * connection keeps on the shared memory. So a connection is opened, read through and closed: if the files are
 * still there, someone else has the database open. When they are gone, the main file holds every committed
 * message on its own.
 */
export function databaseOccupancy(file: string): Occupancy {
  let db: Db | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    db.close();
    db = undefined;
    return existsSync(`${file}-wal`) || existsSync(`${file}-shm`) ? { inUse: true } : { inUse: false };
  } catch (err) {
    if (String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY')) return { inUse: true };
    return { inUse: 'unknown', reason: err instanceof Error ? err.message : String(err) };
  } finally {
    db?.close();
  }
}

/** Removes a database file and anything SQLite keeps beside it. */
export function removeDatabaseFile(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

/** Flushes a file's bytes to disk: a backup that lives only in the page cache is lost with the machine. */
export function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
