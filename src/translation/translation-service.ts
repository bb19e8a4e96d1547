/** @module Machine translation as the service uses it: cached in SQLite, time-limited, and never an error for the caller. */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import { createTranslationStore, type TranslationStore } from '../store/translation-store.js';
import type { Logger } from '../lib/logger.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Translator } from './translator.js';

export class TranslationService {
  readonly #cache: TranslationStore;

  constructor(
    db: Db,
    private readonly translator: Translator | null,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    /** Stamps cache entries, so retention counts their age on the service's clock. */
    private readonly clock: Clock = systemClock,
  ) {
    this.#cache = createTranslationStore(db);
  }

  get enabled(): boolean {
    return this.translator !== null;
  }

  /**
   * The translation, or null when there is no provider, the provider fails, or it takes longer than the limit:
   * the caller then goes on with what it has, so a slow provider never holds up an answer for long.
   */
  async translate(text: string, from: string, to: string): Promise<string | null> {
    if (!this.translator || from === to || text.trim() === '') return null;
    const key = createHash('sha256').update(`${this.translator.name}\u0000${from}\u0000${to}\u0000${text}`).digest('hex');
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    try {
      const out = await this.translator.translate(text, from, to, AbortSignal.timeout(this.timeoutMs));
      this.#cache.put({ key, from, to, provider: this.translator.name, text: out, at: this.clock.now() });
      return out;
    } catch (err) {
      this.logger.warn({ provider: this.translator.name, from, to, error: (err as Error).name }, 'translation unavailable; going on without it');
      return null;
    }
  }
}
