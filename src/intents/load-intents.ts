/** @module Reads intents/ (examples, keywords, commands, spelling map) and checks them against the content. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { normaliseText, type SpellingMap } from './normalise-text.js';

export const INTENT_KINDS = ['topic', 'greeting', 'thanks', 'human', 'card', 'menu'] as const;
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
});
export type Commands = z.infer<typeof commandsSchema>;

const spellingSchema = z.object({
  words: z.record(z.string(), z.coerce.string()).default({}),
  phrases: z.record(z.string(), z.coerce.string()).default({}),
});

export interface IntentSet {
  intents: IntentDef[];
  commands: Commands;
  spelling: SpellingMap;
  stopwords: ReadonlySet<string>;
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
  if (problems.length > 0) throw new IntentError(problems);

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
    stopwords: new Set(stop.data!.en.map(normaliseText)),
  };
}
