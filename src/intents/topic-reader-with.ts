/** @module The topic reader rebuilt with the phrasings managers added from the dashboard. */
import type { IntentSet } from './load-intents.js';
import { TopicReader } from './read-topic.js';

/** A phrasing a manager added to an intent from the dashboard. */
export interface AddedPhrasing {
  intent: string | null;
  text: string;
}

/** The loaded intents plus added phrasings, as examples of their intents, for both the matcher and the model. */
export function topicReaderWith(intents: IntentSet, added: readonly AddedPhrasing[]): TopicReader {
  if (added.length === 0) return TopicReader.fromIntents(intents);
  return TopicReader.fromIntents({
    ...intents,
    intents: intents.intents.map((i) => ({ ...i, examples: [...i.examples, ...added.filter((a) => a.intent === i.id).map((a) => a.text)] })),
  });
}
