/** @module The daily backup: taken once a day from BACKUP_HOUR (council time), keeping the newest BACKUP_KEEP. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Clock } from '../lib/clock.js';
import { localParts, zonedTime } from '../lib/local-time.js';
import type { Logger } from '../lib/logger.js';
import type { Db } from '../store/db.js';
import { listBackups, pruneBackups, takeBackup, type BackupFile } from './backup-files.js';

/** Checked every minute, as the campaign runner is: the files on disk say whether today's backup is taken. */
const TICK_MS = 60_000;
/** After a failure (a full or missing disk) the next try is this much later, not every minute. */
const RETRY_MS = 3600_000;

export interface BackupSettings {
  dir: string;
  keep: number;
  /** Hour of the day, in the service's time zone, from which the day's backup is due. */
  hour: number;
}

export class BackupJob {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #retryAt = 0;

  constructor(
    private readonly db: Db,
    private readonly settings: BackupSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly timeZone = 'Europe/London',
  ) {}

  /**
   * Whether a backup is due: it is past today's hour and the newest backup was taken before it. Read from the
   * directory, so a restart neither repeats the day's backup nor forgets one the service was down for.
   */
  due(now: Date): boolean {
    const dueAt = zonedTime(localParts(now, this.timeZone).date, this.settings.hour * 60, this.timeZone);
    if (now < dueAt) return false;
    const newest = listBackups(this.settings.dir).at(-1);
    return !newest || newest.takenAt < dueAt;
  }

  /** Takes a backup now and removes the oldest beyond the count kept. */
  async run(): Promise<BackupFile> {
    const now = this.clock.now();
    const taken = await takeBackup(this.db, this.settings.dir, now);
    const removed = pruneBackups(this.settings.dir, this.settings.keep, now);
    this.logger.info({ file: taken.file, removed: removed.length, kept: this.settings.keep }, 'backup taken');
    return taken;
  }

  /** Takes the day's backup if it is due and none is under way; never throws. */
  tick(): Promise<void> {
    if (this.#running) return this.#running;
    const now = this.clock.now();
    try {
      if (now.getTime() < this.#retryAt || !this.due(now)) return Promise.resolve();
    } catch (err) {
      this.#failed(err, now);
      return Promise.resolve();
    }
    this.#running = this.run().then(
      () => undefined,
      (err: unknown) => this.#failed(err, now),
    ).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  start(): void {
    this.#warnIfBesideDatabase();
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), TICK_MS);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a backup under way, so the database is not closed beneath it. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #failed(err: unknown, now: Date): void {
    this.#retryAt = now.getTime() + RETRY_MS;
    this.logger.error({ err, dir: this.settings.dir }, 'backup failed; trying again in an hour');
  }

  /** A backup on the database's own disk dies with it; said once at start, where the operator reads the logs. */
  #warnIfBesideDatabase(): void {
    try {
      mkdirSync(this.settings.dir, { recursive: true, mode: 0o700 });
      const database = this.db.name;
      if (statSync(dirname(resolve(database))).dev === statSync(resolve(this.settings.dir)).dev) {
        this.logger.warn({ dir: this.settings.dir }, 'BACKUP_DIR is on the same disk as the database: copy the backups off this disk too');
      }
    } catch {
      // A directory that cannot be made or read fails the first backup, which is logged as an error.
    }
  }
}
