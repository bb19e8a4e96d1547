/** @module Reader: how a turn gets a message read (understood), on this thread or on the understanding thread. */
import type { IntentSet } from '../intents/load-intents.js';
import { matcherWith } from '../intents/matcher-with.js';
import { understand, type Understander, type Understanding } from './understand.js';

/** A phrasing a manager added to an intent from the dashboard. */
export interface AddedPhrasing {
  intent: string | null;
  text: string;
}

export interface Reader {
  /** True once messages can be read where this reader reads them; false if it fell back to the calling thread. */
  readonly ready: Promise<boolean>;
  /** Reads one message: risk, commands, menu choice, intent, language, retrieval. */
  read(text: string, mediaCount: number, english: string | null): Promise<Understanding>;
  /** The dashboard's added phrasings changed: every matcher that reads messages learns them. */
  usePhrasings(added: readonly AddedPhrasing[]): void;
  /** Stops any thread behind the reader. */
  close(): Promise<void>;
}

/** Reads on the calling thread: the CLI, tests, and the fallback when the understanding thread is gone. */
export class InlineReader implements Reader {
  readonly ready = Promise.resolve(true);

  constructor(
    readonly understander: Understander,
    private readonly intents: IntentSet,
  ) {}

  read(text: string, mediaCount: number, english: string | null): Promise<Understanding> {
    return Promise.resolve(understand(text, mediaCount, this.understander, english));
  }

  usePhrasings(added: readonly AddedPhrasing[]): void {
    this.understander.matcher = matcherWith(this.intents, added);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
