/** @module A matcher that also knows the phrasings managers added from the dashboard. */
import type { IntentSet } from './load-intents.js';
import { IntentMatcher } from './match-intent.js';

/** A phrasing a manager added to an intent from the dashboard. */
export interface AddedPhrasing {
  intent: string | null;
  text: string;
}

/** The loaded intents plus added phrasings, as examples of their intents; the same matcher when none were added. */
export function matcherWith(intents: IntentSet, added: readonly AddedPhrasing[]): IntentMatcher {
  if (added.length === 0) return new IntentMatcher(intents);
  return new IntentMatcher({
    ...intents,
    intents: intents.intents.map((i) => ({ ...i, examples: [...i.examples, ...added.filter((a) => a.intent === i.id).map((a) => a.text)] })),
  });
}
