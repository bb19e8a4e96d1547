/** @module The daily retention job: deletes messages, events, audit entries and cached translations older than the configured periods. */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { RetentionPolicy, RetentionReport } from '../store/retention-store.js';
import { createRetentionStore } from '../store/retention-store.js';
import type { Db } from '../store/db.js';

const DAY_MS = 24 * 3600_000;

export class RetentionJob {
  readonly #store;
  #timer: NodeJS.Timeout | null = null;

  constructor(db: Db, private readonly policy: RetentionPolicy, private readonly clock: Clock, private readonly logger: Logger) {
    this.#store = createRetentionStore(db);
  }

  dryRun(): RetentionReport {
    return this.#store.due(this.clock.now(), this.policy);
  }

  run(): RetentionReport {
    const report = this.#store.enforce(this.clock.now(), this.policy);
    this.logger.info({ ...report }, 'retention: deleted data older than the periods kept');
    return report;
  }

  /** Once at start, then every day. */
  start(): void {
    const tick = () => {
      try {
        this.run();
      } catch (err) {
        this.logger.error({ err }, 'retention job failed; it runs again tomorrow');
      }
    };
    tick();
    this.#timer = setInterval(tick, DAY_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
