/** @module Reads intents/ (examples, keywords, commands, spelling map) and checks them against the content. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { normaliseText, type SpellingMap } from './normalise-text.js';

export const INTENT_KINDS = ['topic', 'greeting', 'thanks', 'human', 'card', 'menu', 'vague'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

const intentSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(INTENT_KINDS),
  content: z.string().min(1),
  keywords: z.array(z.coerce.string()).default([]),
  examples: z.array(z.coerce.string()).min(1),
});
export type IntentDef = z.infer<typeof intentSchema>;

const commandsSchema = z.object({
  stop: z.array(z.string()).min(1),
  start: z.array(z.string()).min(1),
  help: z.array(z.string()).min(1),
  more: z.array(z.string()).min(1),
  language: z.array(z.string()).min(1),
});

const languageExamplesSchema = z.object({
  language: z.string().min(2),
  commands: z.object({
    stop: z.array(z.coerce.string()).default([]),
    start: z.array(z.coerce.string()).default([]),
    help: z.array(z.coerce.string()).default([]),
    more: z.array(z.coerce.string()).default([]),
    language: z.array(z.coerce.string()).default([]),
  }).default({ stop: [], start: [], help: [], more: [], language: [] }),
  examples: z.record(z.string(), z.array(z.coerce.string()).nullable().transform((v) => v ?? [])).default({}),
  keywords: z.record(z.string(), z.array(z.coerce.string()).nullable().transform((v) => v ?? [])).default({}),
  stopwords: z.array(z.coerce.string()).nullable().default([]).transform((v) => v ?? []),
});

const languageNamesSchema = z.object({ ambiguous: z.record(z.string(), z.array(z.string()).length(2)).default({}) }).catchall(z.array(z.coerce.string()));
export type Commands = z.infer<typeof commandsSchema>;

const spellingSchema = z.object({
  words: z.record(z.string(), z.coerce.string()).default({}),
  phrases: z.record(z.string(), z.coerce.string()).default({}),
});

export interface IntentSet {
  /** Every intent, with its examples in every language. */
  intents: IntentDef[];
  /** Command words of every language together. */
  commands: Commands;
  spelling: SpellingMap;
  stopwords: ReadonlySet<string>;
  /** Example texts by language ('en' from intents/*.yaml, the rest from intents/languages/), for telling languages apart. */
  examplesByLanguage: ReadonlyMap<string, string[]>;
  /** Typed names of languages (normalised) → the language, or the two it could be ("kurdish"). */
  languageNames: ReadonlyMap<string, string[]>;
}

export class IntentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Intents are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'IntentError';
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Loads intents/*.yaml; `contentIds` and `systemKeys` are what content/ offers, so an intent that points at
 * missing content stops the service at start rather than failing a young person later.
 */
export function loadIntents(dir: string, contentIds: ReadonlySet<string>, systemKeys: ReadonlySet<string>): IntentSet {
  const problems: string[] = [];
  const read = (file: string): unknown => {
    try {
      return parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };

  const intents: IntentDef[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('_')).sort()) {
    const parsed = intentSchema.safeParse(read(file));
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(file)'}: ${i.message}`));
      continue;
    }
    const def = parsed.data;
    const known = def.kind === 'topic' ? contentIds.has(def.content) : systemKeys.has(def.content);
    if (!known) problems.push(`${file}: content "${def.content}" does not exist in content/`);
    intents.push(def);
  }

  const commands = commandsSchema.safeParse(read('_commands.yaml'));
  if (!commands.success) problems.push('_commands.yaml: needs lists stop, start, help and more');
  const spelling = spellingSchema.safeParse(read('_normalise.yaml') ?? {});
  if (!spelling.success) problems.push('_normalise.yaml: needs maps "words" and "phrases" of text to text');
  const stop = z.object({ en: z.array(z.coerce.string()) }).safeParse(read('_stopwords.yaml'));
  if (!stop.success) problems.push('_stopwords.yaml: needs a list "en"');
  const examplesByLanguage = new Map<string, string[]>([['en', intents.flatMap((i) => i.examples)]]);
  const extraStopwords: string[] = [];
  const byId = new Map(intents.map((i) => [i.id, i]));
  const langDir = join(dir, 'languages');
  const langFiles = existsSync(langDir) ? readdirSync(langDir).filter((f) => f.endsWith('.yaml')).sort() : [];
  for (const file of langFiles) {
    const parsed = languageExamplesSchema.safeParse(read(join('languages', file)));
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `languages/${file}: ${i.path.join('.') || '(file)'}: ${i.message}`));
      continue;
    }
    const l = parsed.data;
    const all: string[] = [];
    for (const [intent, examples] of Object.entries(l.examples)) {
      const def = byId.get(intent);
      if (!def) {
        problems.push(`languages/${file}: "${intent}" is not an intent`);
        continue;
      }
      def.examples.push(...examples);
      all.push(...examples);
    }
    for (const [intent, keywords] of Object.entries(l.keywords)) {
      const def = byId.get(intent);
      if (!def) problems.push(`languages/${file}: keywords for "${intent}", which is not an intent`);
      else def.keywords.push(...keywords);
    }
    for (const w of l.stopwords) extraStopwords.push(w);
    for (const [name, words] of Object.entries(l.commands)) {
      if (commands.success) commands.data[name as keyof Commands].push(...words);
      all.push(...words);
    }
    // A language may have several files (examples; keywords and stop words): their texts add up.
    examplesByLanguage.set(l.language, [...(examplesByLanguage.get(l.language) ?? []), ...all]);
  }
  const names = languageNamesSchema.safeParse(read('_language-names.yaml') ?? {});
  if (!names.success) problems.push('_language-names.yaml: needs lists of names per language code, and "ambiguous"');
  if (problems.length > 0) throw new IntentError(problems);

  const languageNames = new Map<string, string[]>();
  const { ambiguous, ...single } = names.data!;
  for (const [code, list] of Object.entries(single)) for (const n of list as string[]) languageNames.set(normaliseText(n), [code]);
  for (const [n, pair] of Object.entries(ambiguous)) languageNames.set(normaliseText(n), pair);

  const words = new Map<string, string>();
  for (const [from, to] of Object.entries(spelling.data!.words)) words.set(normaliseText(from), normaliseText(to));
  const phrases = Object.entries(spelling.data!.phrases)
    .map(([from, to]) => [normaliseText(from), normaliseText(to)] as const)
    .sort((a, b) => b[0].length - a[0].length)
    .map(([from, to]) => [new RegExp(`(?<= )${escapeRegExp(from)}(?= )`, 'g'), to] as const);

  return {
    intents,
    commands: commands.data!,
    spelling: { words, phrases },
    stopwords: new Set([...stop.data!.en, ...extraStopwords].map(normaliseText)),
    examplesByLanguage,
    languageNames,
  };
}
