/** The daily backup: one a day from BACKUP_HOUR, the newest BACKUP_KEEP kept, private files named by the UTC time. */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupJob } from '../../src/backup/backup-job.js';
import { backupFileName, listBackups } from '../../src/backup/backup-files.js';
import { converse } from '../../src/cli/local-service.js';
import { ConfigError, readConfig } from '../../src/config.js';
import { FixedClock } from '../../src/lib/clock.js';
import { settle, testService } from '../helpers/test-service.js';

const silent = pino({ level: 'silent' });
const HOUR = 3600_000;
let cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function serviceWithAMessage(clock: FixedClock) {
  const s = testService({ clock });
  cleanup.push(async () => {
    await s.outbox.stop();
    s.db.close();
  });
  await converse(s, '+447700900951', 'sms', 'do i have to pay council tax');
  await settle(s);
  return s;
}

function inbound(file: string): { integrity: string; messages: number } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      integrity: String(db.pragma('integrity_check', { simple: true })),
      messages: (db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'`).get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

describe('the daily backup', () => {
  it('takes one backup a day from BACKUP_HOUR, catches up a missed one, and keeps only the newest BACKUP_KEEP', async () => {
    // January: London time is UTC, so 02:00 there is 02:00 in the names.
    const clock = new FixedClock('2026-01-10T01:30:00Z');
    const dir = join(mkdtempSync(join(tmpdir(), 'offerline-backups-')), 'backups');
    const config = readConfig({ BACKUP_DIR: dir, BACKUP_KEEP: '3', BACKUP_HOUR: '2' });
    expect(config.backup).toEqual({ dir, keep: 3, hour: 2 });
    const s = await serviceWithAMessage(clock);
    const job = new BackupJob(s.db, config.backup!, clock, silent);
    job.start();
    cleanup.push(() => job.stop());
    writeFileSync(join(dir, 'notes.txt'), 'the operator keeps a note here'); // not a backup: never touched
    // Copies cut short: one older than a day is cleared away by the next backup, a recent one (maybe still being written) is not.
    const stale = join(dir, '.offerline-2026-01-07T02-00-00.000Z.db.partial');
    const fresh = join(dir, '.offerline-2026-01-15T01-00-00.000Z.db.partial');
    writeFileSync(stale, 'half a database');
    utimesSync(stale, new Date('2026-01-07T02:00:00Z'), new Date('2026-01-07T02:00:00Z'));
    writeFileSync(fresh, 'half a database');
    utimesSync(fresh, new Date('2026-01-15T01:00:00Z'), new Date('2026-01-15T01:00:00Z')); // an hour before the last backup

    await job.tick();
    expect(listBackups(dir)).toEqual([]); // 01:30: not due yet

    const taken: string[] = [];
    for (let day = 0; day < 6; day++) {
      const midnight = Date.parse('2026-01-10T00:00:00Z') + day * 24 * HOUR;
      clock.advance(midnight + 90 * 60_000 - clock.now().getTime()); // 01:30
      await job.tick();
      if (day !== 3) {
        // The service was down at 02:00 on the fourth day: that day's backup is taken when it is back, at 14:00.
        clock.advance(45 * 60_000); // 02:15
        await job.tick();
        taken.push(backupFileName(clock.now()));
        clock.advance(HOUR);
        await job.tick(); // 03:15: today's is taken already
      }
      clock.advance(midnight + 14 * HOUR - clock.now().getTime()); // 14:00
      await job.tick();
      if (day === 3) taken.push(backupFileName(clock.now()));
    }
    expect(taken).toHaveLength(6);
    // A restarted service does not take the day's backup again.
    const restarted = new BackupJob(s.db, config.backup!, clock, silent);
    await restarted.tick();

    const names = readdirSync(dir).sort();
    expect(names).toEqual([...taken.slice(-3), 'notes.txt', basename(fresh)].sort());
    expect(names.filter((n) => n.startsWith('offerline-'))).toEqual([
      'offerline-2026-01-13T14-00-00.000Z.db', 'offerline-2026-01-14T02-15-00.000Z.db', 'offerline-2026-01-15T02-15-00.000Z.db',
    ]);
    for (const b of listBackups(dir)) {
      expect(statSync(b.file).mode & 0o777, `${b.file} is readable by others`).toBe(0o600);
      expect(existsSync(`${b.file}-wal`)).toBe(false); // one self-contained file
      expect(inbound(b.file)).toEqual({ integrity: 'ok', messages: 1 });
    }
  });

  it('is off when BACKUP_DIR is unset, and a bad setting is refused with its name', () => {
    expect(readConfig({}).backup).toBeUndefined();
    expect(() => readConfig({ BACKUP_DIR: 'backups/offerline', BACKUP_HOUR: '24' })).toThrow(ConfigError);
    expect(() => readConfig({ BACKUP_DIR: 'backups/offerline', BACKUP_KEEP: '0' })).toThrow(/BACKUP_KEEP/);
    expect(readConfig({ BACKUP_DIR: 'backups/offerline' }).backup).toEqual({ dir: 'backups/offerline', keep: 14, hour: 2 });
  });

  it('a backup that fails is logged, and tried again an hour later rather than every minute', async () => {
    const clock = new FixedClock('2026-01-10T03:00:00Z');
    const s = await serviceWithAMessage(clock);
    // The backup directory is a file: every backup into it fails.
    const notADir = join(mkdtempSync(join(tmpdir(), 'offerline-backups-')), 'a-file');
    writeFileSync(notADir, '');
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    const job = new BackupJob(s.db, { dir: notADir, keep: 3, hour: 2 }, clock, logger);
    await job.tick();
    expect(logged.join('')).toMatch(/backup failed/);
    clock.advance(10 * 60_000);
    await job.tick();
    expect(logged).toHaveLength(1);
    clock.advance(HOUR);
    await job.tick();
    expect(logged).toHaveLength(2);
  });
});
