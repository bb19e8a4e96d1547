/**
 * Held-out sets measure understanding only while they stay apart from the examples: no held-out line may be an
 * example, or one word away from one (a word added, dropped or changed), in any language.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge.js';
import { normaliseText } from '../../src/intents/normalise-text.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const heldOut = [
  join(FIXTURES, 'english-holdout.jsonl'),
  ...readdirSync(join(FIXTURES, 'languages')).filter((f) => f.endsWith('.jsonl')).map((f) => join(FIXTURES, 'languages', f)),
  // The topic held-out set of issue 16: single messages and both turns of each follow-up.
  ...readdirSync(join(FIXTURES, 'holdout', 'topics')).filter((f) => f.endsWith('.jsonl')).map((f) => join(FIXTURES, 'holdout', 'topics', f)),
];

/** Word-level edit distance of at most one, without building the whole table. */
export function withinOneWord(a: string[], b: string[]): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) return a.filter((w, i) => w !== b[i]).length <= 1;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i).every((w, j) => w === long[i + j + 1]);
}

describe('held-out sets', () => {
  it('tells near copies apart from new lines', () => {
    expect(withinOneWord(['can', 'i', 'get', 'a', 'deposit'], ['can', 'i', 'get', 'deposit'])).toBe(true);
    expect(withinOneWord(['can', 'i', 'get', 'a', 'deposit'], ['can', 'u', 'get', 'a', 'deposit'])).toBe(true);
    expect(withinOneWord(['can', 'i', 'get', 'a', 'deposit'], ['can', 'you', 'pay', 'a', 'deposit'])).toBe(false);
    expect(withinOneWord(['hello'], ['hello', 'there', 'mate'])).toBe(false);
  });

  it('hold no line within one word of an example', () => {
    const { intents } = loadKnowledge().intents;
    const byLength = new Map<number, string[][]>();
    for (const intent of intents) {
      for (const e of intent.examples) {
        const words = normaliseText(e).split(' ').filter(Boolean);
        byLength.set(words.length, [...(byLength.get(words.length) ?? []), words]);
      }
    }
    const near: string[] = [];
    for (const file of heldOut) {
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const { id, text, turns } = JSON.parse(line) as { id: string; text?: string; turns?: string[] };
        for (const t of turns ?? [text!]) {
          const words = normaliseText(t).split(' ').filter(Boolean);
          // Emoji or punctuation alone have no words to copy.
          if (words.length === 0) continue;
          const candidates = [-1, 0, 1].flatMap((d) => byLength.get(words.length + d) ?? []);
          if (candidates.some((e) => withinOneWord(words, e))) near.push(`${id}: ${t}`);
        }
      }
    }
    expect(near).toEqual([]);
  });
});
