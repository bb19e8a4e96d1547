/** The risk screen on every language's test messages (test/fixtures/risk/*.jsonl): every urgent line urgent, no harmless line urgent. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RiskScreen } from '../../src/safety/screen-risk.js';
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

describe('a finding in a language other than the one the message is confidently written in', () => {
  const rule = { category: 'suicide', level: 'urgent' as const, when: ['die'], within: 12, unless: [] };
  const screen = new RiskScreen({
    categories: [{ id: 'suicide', level: 'urgent', kind: 'suicide', firm: true, about: '' }],
    shared: { emoji: {}, concepts: {} },
    languages: [
      // Albanian is written in Latin letters: its words can be ordinary words of another Latin-script language.
      { language: 'sq', patterns: {}, benign: [], concepts: { die: ['vdes'] }, rules: [rule] },
      // Amharic is written in its own script: a Latin-letter term is Amharic typed in Latin letters.
      { language: 'am', patterns: {}, benign: [], concepts: { die: ['መሞት', 'መሞት እፈልጋለሁ', 'memot'] }, rules: [rule] },
    ],
  });

  it('counts as unsure from another Latin-script language, but stays urgent when romanised from another script', () => {
    expect(screen.screen('i just vdes', null, undefined, 'en')?.level).toBe('unsure');
    expect(screen.screen('ene memot', null, undefined, 'en')?.level).toBe('urgent');
    expect(screen.screen('i just vdes')?.level).toBe('urgent');
  });
});
