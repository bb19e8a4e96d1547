/**
 * `cli backup DIR` while the real service takes a burst of signed webhooks, then `cli restore FILE`: the restored
 * database passes integrity_check and holds every message acknowledged before the backup began. Restore refuses a
 * running service's database and a corrupt or foreign file, changing nothing.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { listBackups, restoreBackup, RestoreRefused, takeBackup } from '../../src/backup/backup-files.js';
import { converse } from '../../src/cli/local-service.js';
import { runNode } from '../helpers/child-processes.js';
import { startServiceProcess } from '../helpers/service-process.js';
import { AUTH_TOKEN, PUBLIC_BASE_URL, TWILIO_ENV, settle, sid, smsParams, tempDbPath, testService } from '../helpers/test-service.js';
import { waitFor } from '../helpers/wait-for.js';

const PATH = '/webhooks/twilio/messages';
const TEXTS = ['do i have to pay council tax', 'cn u help wiv my deposit', 'hiya', 'driving lessons?', 'i want to end my life'];
const BACKUP_NAME = /^offerline-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.db$/;

async function post(url: string, params: Record<string, string>): Promise<number> {
  const res = await fetch(`${url}${PATH}`, {
    method: 'POST', body: new URLSearchParams(params),
    headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${PATH}`, params) },
  });
  await res.arrayBuffer();
  return res.status;
}

function readDb<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const inboundSids = (db: Database.Database) =>
  new Set((db.prepare(`SELECT provider_id AS s FROM messages WHERE direction = 'in'`).all() as Array<{ s: string }>).map((r) => r.s));

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('backup and restore', () => {
  it('a backup taken during a burst of webhooks, restored, holds every message acknowledged before it began', async () => {
    const databasePath = tempDbPath();
    const home = dirname(databasePath);
    const backupDir = join(home, 'backups');
    const env = {
      ...TWILIO_ENV, DATABASE_PATH: databasePath, REPLY_CHANNEL: 'fake', FAKE_CHANNEL_FILE: join(home, 'sent.jsonl'),
      WEBHOOK_PER_SENDER_PER_MINUTE: '10000',
      // Stopped as an operator stops it before a restore: cleanly, however long the burst's backlog takes here.
      SHUTDOWN_TIMEOUT_MS: '120000',
      // The daily backup too: due from midnight, so the service takes today's as it starts.
      BACKUP_DIR: join(home, 'daily'), BACKUP_KEEP: '2', BACKUP_HOUR: '0',
    };
    const cliEnv = { PATH: process.env['PATH'] ?? '', DATABASE_PATH: databasePath };
    const running = await startServiceProcess(env);
    const daily = await waitFor(() => listBackups(join(home, 'daily'))[0], { what: "the service's daily backup" });
    expect(readDb(daily.file, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
    expect(statSync(daily.file).mode & 0o777).toBe(0o600);

    // Four senders post one signed message after another until told to stop: about 50 a second in all.
    const acknowledged: string[] = [];
    let n = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        n += 1;
        const params = smsParams(sid(700_000 + n), `+4477009${String(40_000 + (n % 200)).padStart(5, '0')}`, TEXTS[n % TEXTS.length]!);
        if ((await post(running.url, params)) === 200) acknowledged.push(params['MessageSid']!);
        await new Promise((r) => setTimeout(r, 80));
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    let ackedBefore = new Set<string>();
    let file = '';
    try {
      await waitFor(() => acknowledged.length >= 100, { what: '100 messages acknowledged' });
      // Each of these had its 200 before the backup started, so each must be in it.
      ackedBefore = new Set(acknowledged);
      const startedAt = new Date();
      const backup = await runNode(['src/cli/main.ts', 'backup', backupDir], { env: cliEnv });
      const ackedWhileCopying = acknowledged.length - ackedBefore.size;
      expect(backup.status, backup.stderr).toBe(0);
      file = backup.stdout.trim();
      expect(dirname(file)).toBe(backupDir);
      expect(basename(file)).toMatch(BACKUP_NAME);
      // Named by the UTC time it was taken.
      const stamp = Date.parse(basename(file).slice('offerline-'.length, -'.db'.length).replace(/T(\d{2})-(\d{2})-(\d{2})/, 'T$1:$2:$3'));
      expect(stamp).toBeGreaterThanOrEqual(startedAt.getTime());
      expect(stamp).toBeLessThanOrEqual(Date.now());
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(ackedWhileCopying, 'the service kept acknowledging messages while the copy was made').toBeGreaterThan(0);

      // While the service runs, restore refuses and changes nothing.
      const refused = await runNode(['src/cli/main.ts', 'restore', file], { env: cliEnv });
      expect(refused.status).toBe(75);
      expect(refused.stderr).toMatch(/stop the service first/);
    } finally {
      stop = true;
      await Promise.all(senders);
    }
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const everything = new Set(acknowledged);
    const inBackup = readDb(file, inboundSids);

    const restored = await runNode(['src/cli/main.ts', 'restore', file], { env: cliEnv });
    expect(restored.status, restored.stderr).toBe(0);
    const keptAside = /kept at (.+)\.\n/.exec(restored.stdout)?.[1];
    expect(keptAside).toBeDefined();

    readDb(databasePath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const sids = inboundSids(db);
      for (const s of ackedBefore) expect(sids.has(s), `acknowledged ${s} is missing from the restored database`).toBe(true);
      expect(sids).toEqual(inBackup);
    });
    // The database it replaced is kept whole: every message ever acknowledged is in it.
    readDb(keptAside!, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const sids = inboundSids(db);
      for (const s of everything) expect(sids.has(s), `acknowledged ${s} is missing from the file kept aside`).toBe(true);
    });

    // The service starts on the restored file and answers what was stored but not yet answered when it was copied.
    const again = await startServiceProcess(env);
    try {
      await waitFor(
        () => readDb(databasePath, (db) => (db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'in' AND status = 'received'`).get() as { n: number }).n === 0),
        { what: 'the restored messages to be answered' },
      );
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  }, 300_000);

  it('restore refuses a corrupt backup, or a file that is no database, and changes nothing', async () => {
    const databasePath = tempDbPath();
    const home = dirname(databasePath);
    const s = testService({ databasePath });
    try {
      for (let i = 0; i < 40; i++) await converse(s, `+4477009${String(50_000 + i).padStart(5, '0')}`, 'sms', TEXTS[i % TEXTS.length]!);
      await settle(s);
      const good = await takeBackup(s.db, join(home, 'backups'), new Date());
      // Damage three pages in the middle of the copy, as a failing disk or a cut-short transfer would.
      const pageSize = readDb(good.file, (db) => Number(db.pragma('page_size', { simple: true })));
      const pages = statSync(good.file).size / pageSize;
      const corrupt = join(home, 'corrupt.db');
      writeFileSync(corrupt, readFileSync(good.file));
      const fd = openSync(corrupt, 'r+');
      writeSync(fd, Buffer.alloc(3 * pageSize, 0xa5), 0, 3 * pageSize, Math.floor(pages / 2) * pageSize);
      closeSync(fd);
      const notADatabase = join(home, 'notes.txt');
      writeFileSync(notADatabase, 'these are not the messages you are looking for\n'.repeat(200));
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
    const before = sha256(databasePath);
    const filesBefore = readdirSync(home).sort();
    const cliEnv = { PATH: process.env['PATH'] ?? '', DATABASE_PATH: databasePath };

    for (const bad of ['corrupt.db', 'notes.txt']) {
      const r = await runNode(['src/cli/main.ts', 'restore', join(home, bad), '--force'], { env: cliEnv });
      expect(r.status, r.stdout + r.stderr).toBe(65);
      expect(r.stderr).toMatch(/cannot be restored, nothing was changed/);
      expect(sha256(databasePath)).toBe(before);
      expect(readdirSync(home).sort()).toEqual(filesBefore); // nothing put aside, nothing half-copied left behind
    }
    expect((await runNode(['src/cli/main.ts', 'restore', join(home, 'corrupt.db')], { env: cliEnv })).stderr).toMatch(
      /malformed|corrupt|Tree|Page|btree/i,
    );

    // A sound SQLite file that is not offerline's is refused too.
    const foreign = join(home, 'foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (x)');
    f.close();
    expect(() => restoreBackup(foreign, databasePath, { force: true, now: new Date() })).toThrow(RestoreRefused);
    expect(() => restoreBackup(foreign, databasePath, { force: true, now: new Date() })).toThrow(/not an offerline one/);
    expect(sha256(databasePath)).toBe(before);
  }, 180_000);

  it('restores onto a new disk where there is no database yet, as after a dead disk', async () => {
    const s = testService();
    let backup;
    try {
      await converse(s, '+447700900961', 'sms', 'cn u help wiv my deposit');
      await settle(s);
      backup = await takeBackup(s.db, join(dirname(s.db.name), 'backups'), new Date());
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
    const fresh = join(dirname(tempDbPath()), 'new-disk', 'data', 'offerline.db');
    expect(restoreBackup(backup.file, fresh, { force: false, now: new Date() })).toEqual({ keptAside: null });
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    readDb(fresh, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(inboundSids(db).size).toBe(1);
    });
  });
});
