/** @module `cli backup DIR` (an online copy of the database, the service running or not) and `cli restore FILE [--force]`. */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { readConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { RestoreRefused, restoreBackup, takeBackup } from '../backup/backup-files.js';

export async function backupCommand(args: string[]): Promise<number> {
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: npm run cli -- backup DIR\n');
    return 64;
  }
  const { databasePath } = readConfig(process.env);
  if (!existsSync(databasePath)) {
    process.stderr.write(`${databasePath}: no database there to back up (set DATABASE_PATH)\n`);
    return 66;
  }
  // Opened as it is: a backup never migrates or otherwise changes the database of a service that may be running.
  const db = new Database(databasePath, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const taken = await takeBackup(db, dir, systemClock.now());
    process.stdout.write(`${taken.file}\n`);
    return 0;
  } finally {
    db.close();
  }
}

export function restoreCommand(args: string[]): number {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: npm run cli -- restore FILE [--force]\n');
    return 64;
  }
  const force = args.includes('--force');
  const { databasePath } = readConfig(process.env);
  try {
    const { keptAside } = restoreBackup(file, databasePath, { force, now: systemClock.now() });
    process.stdout.write(
      `Restored ${file} to ${databasePath}.\n` +
        (keptAside ? `The database it replaced is kept at ${keptAside}.\n` : '') +
        (force ? 'Restart the service now, so it opens the restored file.\n' : 'Start the service.\n'),
    );
    return 0;
  } catch (err) {
    if (!(err instanceof RestoreRefused)) throw err;
    process.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
}
