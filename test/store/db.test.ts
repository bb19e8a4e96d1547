/** The database holds young people's messages: its file and the WAL and shared-memory files beside it are readable by the service's user only. */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { tempDbPath } from '../helpers/test-service.js';

let umask: number;
const open: Db[] = [];
// The usual umask, under which files are created world-readable unless asked otherwise.
beforeEach(() => void (umask = process.umask(0o022)));
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  process.umask(umask);
});

const modes = (path: string) => ['', '-wal', '-shm'].map((suffix) => {
  expect(existsSync(path + suffix), `${path}${suffix} exists`).toBe(true);
  return [suffix || 'db', (statSync(path + suffix).mode & 0o777).toString(8)];
});

it('a new database, its -wal and its -shm file are created 0600', () => {
  const path = tempDbPath();
  const db = openDb(path);
  open.push(db);
  db.prepare("INSERT INTO staff (email, name, role, created_at) VALUES ('a@example.org', 'A', 'pa', '2026-01-01')").run();
  expect(modes(path)).toEqual([['db', '600'], ['-wal', '600'], ['-shm', '600']]);
});

it('an existing world-readable database (and its -wal and -shm) is made 0600 when the service opens it', () => {
  const path = tempDbPath();
  const before = new Database(path);
  before.pragma('journal_mode = WAL');
  before.exec('CREATE TABLE t (x)');
  expect(modes(path).map(([, mode]) => mode)).toEqual(['644', '644', '644']);
  try {
    const db = openDb(path);
    open.push(db);
    expect(modes(path)).toEqual([['db', '600'], ['-wal', '600'], ['-shm', '600']]);
  } finally {
    before.close();
  }
});
