/** @module The clock that drives escalation: every tick, unclaimed handoffs whose time has come alert the next person. */
import type { Logger } from '../lib/logger.js';
import type { Handoffs } from './handoffs.js';

/** Often enough that a 5-minute escalation is never more than a few seconds late. */
const TICK_MS = 5_000;

export class EscalationScheduler {
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly handoffs: Handoffs, private readonly logger: Logger, private readonly tickMs = TICK_MS) {}

  /** Runs a tick at once (alerts that fell due while the service was down go out now), then every few seconds. */
  start(): void {
    this.tick();
    this.#timer = setInterval(() => this.tick(), this.tickMs);
    this.#timer.unref();
  }

  tick(): void {
    try {
      const n = this.handoffs.escalateDue();
      if (n > 0) this.logger.info({ handoffs: n }, 'escalation: alerts sent');
    } catch (err) {
      this.logger.error({ err }, 'escalation tick failed; it runs again shortly');
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
