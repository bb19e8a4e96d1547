/** @module Opens the SQLite database (WAL, foreign keys) and applies pending migrations. */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations.js';

export type Db = Database.Database;

/** Opens (creating if needed) the database file, or ':memory:'; applies every migration not yet applied. */
export function openDb(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    ownerOnly(path);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // NORMAL is durable in WAL mode across process crashes (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten with zeros, so an erased young person's words do not linger in free pages.
  db.pragma('secure_delete = ON');
  migrate(db);
  return db;
}

/**
 * Young people's messages are in these files: only the service's own user may read them. The file is created
 * 0600 before SQLite opens it, and SQLite gives the -wal and -shm files the main file's mode; files left
 * readable by an older version are tightened.
 */
function ownerOnly(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot make ${file} readable by its owner only: ${(err as Error).message}`);
    }
  }
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((r) => r.version),
  );
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version, m.name, new Date().toISOString(),
      );
    }).immediate();
  }
}

/** Whether the database answers a trivial query; for /readyz. */
export function databaseAnswers(db: Db): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
