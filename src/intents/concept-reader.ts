/** @module Reads short meanings in any curated language with concept rules: a request for a person, yes, no, never mind. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConceptRules, conceptsSchema, ruleSchema } from '../safety/concept-rules.js';
import { normaliseText, stripAccents } from './normalise-text.js';

export interface Reading {
  category: string;
  /** The language whose rule matched. */
  language: string;
  /** The concepts that fired, for `explain`. */
  concepts: string[];
}

/**
 * One folder of `<language>.yaml` files (intents/person, intents/answers), each with concepts and rules whose
 * categories are among `categories`. Every language's rules run on every message.
 */
export class ConceptReader {
  readonly #rules: ConceptRules[];
  /** Every word of the terms written as plain words (not patterns), normalised, with and without accents. */
  readonly words: ReadonlySet<string>;

  constructor(files: Array<{ language: string; concepts: Record<string, string[]>; rules: Array<z.infer<typeof ruleSchema>> }>) {
    this.#rules = files.map((f) => new ConceptRules(f));
    this.words = new Set(files.flatMap((f) => Object.values(f.concepts).flat())
      .filter((t) => !/[\\^$()[\]|?*+{}]/.test(t)).flatMap((t) => normaliseText(t).split(' ')).filter(Boolean).flatMap((w) => [w, stripAccents(w)]));
  }

  static fromDirectory(dir: string, categories: readonly [string, ...string[]]): ConceptReader {
    const fileSchema = z.object({
      language: z.string().min(2),
      concepts: conceptsSchema,
      rules: z.array(ruleSchema.extend({ category: z.enum(categories), level: z.string().default('none') })).min(1),
    });
    return new ConceptReader(
      readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => {
        const parsed = fileSchema.safeParse(parse(readFileSync(join(dir, f), 'utf8')));
        if (!parsed.success) throw new Error(`${dir}/${f}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
        return parsed.data;
      }),
    );
  }

  /**
   * Every category found in the text, once per language, in the order the languages are read. Once per language
   * rather than once in all: a caller that keeps only some languages' readings (the message's own and English)
   * must not lose an English reading because another language's rule also matched the English words in it.
   */
  read(text: string): Reading[] {
    const t = normaliseText(text);
    if (t === '') return [];
    const found = new Map<string, Reading>();
    for (const rules of this.#rules) {
      for (const m of rules.matches(t)) {
        const key = `${m.category}/${m.language}`;
        if (!found.has(key)) found.set(key, { category: m.category, language: m.language, concepts: m.concepts });
      }
    }
    return [...found.values()];
  }
}
