/** The risk screen on every language's test messages (test/fixtures/risk/*.jsonl): every urgent line urgent, no harmless line urgent. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedKnowledge } from '../helpers/test-service.js';

interface Case {
  text: string;
  language: string;
  level: 'urgent' | 'routine' | 'none';
  category: string | null;
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'risk');
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
const screen = sharedKnowledge().understander.screen;

describe.each(files)('%s', (file) => {
  const cases = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Case);

  it('raises every urgent message as urgent', () => {
    const missed = cases.filter((c) => c.level === 'urgent' && screen.screen(c.text)?.level !== 'urgent').map((c) => c.text);
    expect(missed).toEqual([]);
  });

  it('never raises a harmless message as urgent', () => {
    const falseAlarms = cases.filter((c) => c.level !== 'urgent' && screen.screen(c.text)?.level === 'urgent').map((c) => c.text);
    expect(falseAlarms).toEqual([]);
  });

  it('marks messages that need a person today as routine (or urgent)', () => {
    const missed = cases.filter((c) => c.level === 'routine' && !screen.screen(c.text)).map((c) => c.text);
    expect(missed).toEqual([]);
  });
});
