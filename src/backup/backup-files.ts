/** @module Backup files: named by the UTC time they were taken, kept to a count, and put back in place of the database. */
import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Db } from '../store/db.js';
import { checkDatabaseFile, copyDatabase, databaseOccupancy, removeDatabaseFile } from '../store/backup.js';

const NAME = /^offerline-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})Z\.db$/;
/** A copy cut short (a crash, a full disk) is left under a name that is never counted as a backup. */
const PARTIAL = /^\.offerline-.*\.db\.partial$/;
const DAY_MS = 24 * 3600_000;

export interface BackupFile {
  file: string;
  takenAt: Date;
}

/** 2026-12-07T18:37:12.345Z as 2026-12-07T18-37-12.345Z: the UTC time, readable, and legal in any file name. */
export function utcStamp(at: Date): string {
  return at.toISOString().replace(/:/g, '-');
}

export function backupFileName(at: Date): string {
  return `offerline-${utcStamp(at)}.db`;
}

/** The backups in `dir`, oldest first; other files there are not ours and are left alone. */
export function listBackups(dir: string): BackupFile[] {
  if (!existsSync(dir)) return [];
  const found: BackupFile[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m) continue;
    found.push({ file: join(dir, name), takenAt: new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) });
  }
  return found.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
}

/** Takes an online, consistent backup of the open database into `dir` (created 0700 if missing). */
export async function takeBackup(db: Db, dir: string, at: Date): Promise<BackupFile> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = backupFileName(at);
  const partial = join(dir, `.${name}.partial`);
  const file = join(dir, name);
  if (existsSync(file)) throw new Error(`${file} already exists`);
  await copyDatabase(db, partial);
  // Only a complete, checked copy ever carries a backup's name.
  renameSync(partial, file);
  syncDirectory(dir);
  return { file, takenAt: at };
}

/** Deletes all but the newest `keep` backups in `dir`, and copies cut short more than a day ago; returns what went. */
export function pruneBackups(dir: string, keep: number, now: Date): string[] {
  const all = listBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - keep)).map((b) => b.file);
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (PARTIAL.test(name) && now.getTime() - statSync(path).mtimeMs > DAY_MS) removed.push(path);
    }
  }
  for (const file of removed) removeDatabaseFile(file);
  if (removed.length > 0) syncDirectory(dir);
  return removed;
}

export class RestoreRefused extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface Restored {
  /** Where the database that was replaced now is (with its -wal beside it, if it had one); null when there was none. */
  keptAside: string | null;
}

/**
 * Puts the backup `file` in place of the database at `databasePath`. Refused, with nothing changed, when the backup
 * fails integrity_check or is not an offerline database, and (unless `force`) while anything has the database open.
 * The database replaced is kept aside, and at every moment `databasePath` names either the old file or the new one.
 */
export function restoreBackup(file: string, databasePath: string, o: { force: boolean; now: Date }): Restored {
  if (!existsSync(file)) throw new RestoreRefused(`${file}: no such file`, 66);
  const dir = dirname(databasePath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The check is made on the very bytes that will be put in place, copied beside the database so the final
  // rename cannot cross a disk; the operator's backup file is only read.
  const incoming = `${databasePath}.restoring`;
  removeDatabaseFile(incoming);
  copyPrivately(file, incoming);
  const problems = checkDatabaseFile(incoming);
  if (problems.length > 0) {
    removeDatabaseFile(incoming);
    throw new RestoreRefused(`${file} cannot be restored, nothing was changed: ${problems.slice(0, 5).join('; ')}`, 65);
  }

  let keptAside: string | null = null;
  if (existsSync(databasePath)) {
    const occupancy = databaseOccupancy(databasePath);
    if (!o.force && occupancy.inUse !== false) {
      removeDatabaseFile(incoming);
      throw new RestoreRefused(
        occupancy.inUse === true
          ? `${databasePath} is open in another process (is the service running?): stop the service first, or use --force; nothing was changed`
          : `cannot tell whether ${databasePath} is in use (${occupancy.reason}): stop the service, then use --force; nothing was changed`,
        75,
      );
    }
    keptAside = `${databasePath}.before-restore-${utcStamp(o.now)}`;
    // A hard link keeps the old file whole under its new name while the rename below swaps the new one in.
    try {
      linkSync(databasePath, keptAside);
    } catch {
      copyFileSync(databasePath, keptAside);
    }
    // A log left beside the database would be replayed into the restored file and corrupt it: it goes with the old one.
    for (const suffix of ['-wal', '-shm', '-journal']) {
      if (existsSync(`${databasePath}${suffix}`)) renameSync(`${databasePath}${suffix}`, `${keptAside}${suffix}`);
    }
  }
  renameSync(incoming, databasePath);
  syncDirectory(dir);
  return { keptAside };
}

/** Copies a file into a new one that only this user can read, from its first byte (copyFile would take the source's mode). */
function copyPrivately(from: string, to: string): void {
  const input = openSync(from, 'r');
  const output = openSync(to, 'wx', 0o600);
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let read; (read = readSync(input, buffer, 0, buffer.length, null)) > 0; ) writeSync(output, buffer, 0, read);
    fsyncSync(output);
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every file system lets a directory be flushed; the files themselves already are.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
