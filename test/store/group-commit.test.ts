import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { GroupCommit } from '../../src/store/group-commit.js';
import { tempDbPath } from '../helpers/test-service.js';

function setup() {
  const path = tempDbPath();
  const db = openDb(path);
  db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)');
  const insert = db.prepare<[string]>('INSERT INTO probe (text) VALUES (?)');
  const other = new Database(path, { readonly: true });
  const visible = () => (other.prepare('SELECT text FROM probe ORDER BY id').all() as Array<{ text: string }>).map((r) => r.text);
  return { db, insert, visible, writes: new GroupCommit(db) };
}

describe('group commit', () => {
  it('commits the writes of one moment together, and each caller gets its own result once it is committed', async () => {
    const { insert, visible, writes } = setup();
    const pending = ['a', 'b', 'c'].map((t) => writes.run(() => Number(insert.run(t).lastInsertRowid)));
    // Nothing is committed (or visible to another connection) before the loop turns.
    expect(visible()).toEqual([]);
    const ids = await Promise.all(pending);
    expect(ids).toEqual([1, 2, 3]);
    expect(visible()).toEqual(['a', 'b', 'c']);
  });

  it('undoes only the write that throws; the others in the same group are stored', async () => {
    const { insert, visible, writes } = setup();
    const results = await Promise.allSettled([
      writes.run(() => insert.run('first')),
      writes.run(() => {
        insert.run('half done');
        insert.run('first'); // violates UNIQUE: this write, "half done" included, must vanish
      }),
      writes.run(() => insert.run('third')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(visible()).toEqual(['first', 'third']);
  });

  it('rejects, rather than losing silently, writes asked for as the database closes', async () => {
    const { db, insert, writes } = setup();
    const pending = writes.run(() => insert.run('late'));
    db.close();
    await expect(pending).rejects.toThrow(/closed/);
  });
});

describe('group commit beside another connection (the other thread)', () => {
  it('waits for the other connection without stopping the event loop, then commits in the order asked', async () => {
    const { db, insert, visible, writes } = setup();
    const other = new Database(db.name);
    other.exec('BEGIN IMMEDIATE'); // the other thread is in the middle of a write
    const first = writes.run(() => insert.run('first'));
    await new Promise((r) => setTimeout(r, 20));
    const second = writes.run(() => insert.run('second'));
    // The loop kept turning while the first write waited for the lock.
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => (++ticks >= 5 ? (clearInterval(t), resolve()) : undefined), 2);
    });
    expect(visible()).toEqual([]);
    other.exec('COMMIT');
    await Promise.all([first, second]);
    expect(visible()).toEqual(['first', 'second']);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBe(5000); // the connection's own setting is kept
  });
});
