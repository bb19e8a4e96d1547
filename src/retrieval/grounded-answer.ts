/** @module The optional model step: a short answer written only from retrieved passages, checked fact by fact. */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Document } from '@langchain/core/documents';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { Logger } from '../lib/logger.js';
import type { PassageMetadata } from './content-passages.js';

export type Generated = { entry: string; text: string | null } | 'refused';

/** Amounts, numbers (ages, dates, counts), phone numbers and email addresses: what a model must never invent. */
const FACT = /[\w.+-]+@[\w-]+\.[\w.]*\w|(?<![\p{L}\d])£?\d(?:[\d,. ]*\d)?(?![\p{L}\d])/gu;
const facts = (text: string) => new Set((text.toLowerCase().match(FACT) ?? []).map((f) => f.replace(/[\s,]/g, '')));

/** Facts in the answer that appear in none of the passages ("£3,000" and "3000" count as the same). */
export function unsupportedFacts(answer: string, passages: string): string[] {
  const source = facts(passages);
  return [...facts(answer)].filter((f) => !source.has(f) && !source.has(f.replace(/^£/, '')) && !source.has(`£${f}`));
}

/** Replaces characters that would turn an SMS into UCS-2 (curly quotes, dashes, ellipsis) with plain ones. */
export function plainSms(text: string): string {
  return text.replace(/[\u2018\u2019\u02BC]/g, "'").replace(/[\u201C\u201D]/g, '"').replace(/[\u2013\u2014]/g, '-').replace(/\u2026/g, '...').replace(/\s+/g, ' ').trim();
}

const MAX_ANSWER = 300;

export class GroundedAnswerer {
  constructor(
    private readonly model: BaseChatModel,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /**
   * The model's answer with the entry it used; `text: null` when its answer failed the fact check (the entry's
   * own short answer is sent instead); 'refused' when the passages do not answer; null on error or timeout.
   */
  async answer(question: string, passages: Document<PassageMetadata>[]): Promise<Generated | null> {
    if (passages.length === 0) return 'refused';
    const numbered = passages.map((p, i) => `[${i + 1}] (entry: ${p.metadata.entry}) ${p.pageContent}`).join('\n');
    try {
      const result = await this.model.invoke(
        [
          new SystemMessage(
            'You answer care leavers\' questions about the council\'s Local Offer using ONLY the numbered passages. ' +
              'Never add amounts, ages, dates, phone numbers or emails that are not in the passages. ' +
              'Reply with JSON only: {"entry": "<the entry id you used>", "answer": "<at most 300 characters, plain words, one next step>"}. ' +
              'If the passages do not answer the question, reply {"entry": null}.',
          ),
          new HumanMessage(`Passages:\n${numbered}\n\nQuestion: ${question}`),
        ],
        { signal: AbortSignal.timeout(this.timeoutMs) },
      );
      const raw = typeof result.content === 'string' ? result.content : result.content.map((c) => ('text' in c ? c.text : '')).join('');
      const json = JSON.parse(raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1)) as { entry?: unknown; answer?: unknown };
      if (json.entry === null || json.entry === undefined) return 'refused';
      const entry = String(json.entry);
      if (!passages.some((p) => p.metadata.entry === entry)) return 'refused';
      const text = plainSms(String(json.answer ?? '')).slice(0, MAX_ANSWER);
      const bad = unsupportedFacts(text, passages.filter((p) => p.metadata.entry === entry).map((p) => p.pageContent).join(' '));
      if (text === '' || bad.length > 0) {
        this.logger.warn({ entry, unsupported: bad.length }, 'generated answer discarded: facts not in the passages');
        return { entry, text: null };
      }
      return { entry, text };
    } catch (err) {
      this.logger.warn({ error: (err as Error).name }, 'answer model unavailable; going on without it');
      return null;
    }
  }
}
