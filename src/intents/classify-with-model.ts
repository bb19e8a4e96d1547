/** @module The optional outside model (OpenAI-compatible, through LangChain) asked which topic a message the embedded readers were unsure of is about. */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';

export interface TopicChoice {
  id: string;
  /** What the topic answers, in a few words (the content entry's title). */
  title: string;
}

/**
 * Asks the model to pick one topic id or none. Its answer must parse against a strict schema of exactly the
 * known ids; anything else (another id, extra keys, prose, a timeout, an error) counts as no answer, and the
 * embedded decision stands. It is never asked about a message showing risk, and never decides a handoff.
 */
export class ModelTopicClassifier {
  readonly #schema: z.ZodType<{ topic: string | null }>;
  readonly #list: string;

  constructor(
    private readonly model: BaseChatModel,
    topics: readonly TopicChoice[],
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    const ids = topics.map((t) => t.id);
    this.#schema = z.strictObject({ topic: z.enum(ids as [string, ...string[]]).nullable() });
    this.#list = topics.map((t) => `${t.id}: ${t.title}`).join('\n');
  }

  /** The topic id the model chose; null when it says none fits; undefined when it gave no usable answer in time. */
  async classify(text: string): Promise<string | null | undefined> {
    try {
      const result = await this.model.invoke(
        [
          new SystemMessage(
            'You sort text messages from young care leavers in England into the topics of the council\'s Local Offer. ' +
              'Pick the one topic the message asks about, or null if none fits or it is unclear. ' +
              'Reply with JSON only: {"topic": "<topic id>"} or {"topic": null}.\nTopics:\n' + this.#list,
          ),
          new HumanMessage(text),
        ],
        { signal: AbortSignal.timeout(this.timeoutMs) },
      );
      const raw = typeof result.content === 'string' ? result.content : result.content.map((c) => ('text' in c ? c.text : '')).join('');
      const parsed = this.#schema.safeParse(JSON.parse(raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1)));
      if (!parsed.success) {
        this.logger.warn('topic model answer not in the schema; the embedded decision stands');
        return undefined;
      }
      return parsed.data.topic;
    } catch (err) {
      this.logger.warn({ error: (err as Error).name }, 'topic model unavailable; the embedded decision stands');
      return undefined;
    }
  }
}
