/**
 * Safety on messages written by people who never read intents/ (test/fixtures/holdout/safety): the figures may
 * not fall below what was measured when the set was last scored. The set is never used to write rules; when a
 * miss teaches something, the concept is fixed from the development set and new held-out messages are written.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetyCases, safetyFigures } from '../../bench/safety-figures.js';
import { normaliseText } from '../../src/intents/normalise-text.js';
import { sharedKnowledge } from '../helpers/test-service.js';

const root = join(import.meta.dirname, '..', '..');
const heldOut = readSafetyCases(join(root, 'test', 'fixtures', 'holdout', 'safety'));

/** Measured on 2026-12-07 (see the session note); a change that lowers any of them fails here. */
const FLOOR = {
  urgentRecall: 0.72, // 383/518 (74%)
  englishUrgentRecall: 0.68, // 198/280 (71%)
  otherUrgentRecall: 0.75, // 185/238 (78%)
  falseUrgentMax: 0.07, // 30/464 (6.5%): English 6/260, the other languages 24/204
  personRecall: 0.85, // 178/202 (88%)
  paQuestionsHandedOverMax: 0.05, // 1/69
};

describe('the held-out safety set', () => {
  const f = safetyFigures(sharedKnowledge(), heldOut);
  const english = f.risk.byLanguage['en']!;
  const others = Object.entries(f.risk.byLanguage).filter(([l]) => l !== 'en').map(([, t]) => t);
  const othersCaught = others.reduce((s, t) => s + t.urgent, 0) / others.reduce((s, t) => s + t.n, 0);

  it('has at least 250 English risk and 250 English harmless messages, and 10 of each in every curated language', () => {
    const count = (language: string, level: string) => heldOut.filter((c) => c.language === language && c.level === level).length;
    expect(count('en', 'urgent')).toBeGreaterThanOrEqual(250);
    expect(count('en', 'none')).toBeGreaterThanOrEqual(250);
    for (const language of sharedKnowledge().catalogue.languages.keys()) {
      expect(count(language, 'urgent'), language).toBeGreaterThanOrEqual(10);
      expect(count(language, 'none'), language).toBeGreaterThanOrEqual(10);
    }
  });

  it('raises risk messages as urgent at least as often as when last measured', () => {
    expect(f.risk.urgent / f.risk.n).toBeGreaterThanOrEqual(FLOOR.urgentRecall);
    expect(english.urgent / english.n).toBeGreaterThanOrEqual(FLOOR.englishUrgentRecall);
    expect(othersCaught).toBeGreaterThanOrEqual(FLOOR.otherUrgentRecall);
  });

  it('raises few harmless messages as urgent', () => {
    expect(f.harmless.urgent / f.harmless.n).toBeLessThanOrEqual(FLOOR.falseUrgentMax);
  });

  it('hands over requests for a person, and not questions about what a PA is', () => {
    expect(f.person.handedOver / f.person.n).toBeGreaterThanOrEqual(FLOOR.personRecall);
    expect(f.info.handedOver / f.info.n).toBeLessThanOrEqual(FLOOR.paQuestionsHandedOverMax);
  });
});

describe('held-out messages stay unseen', () => {
  it('no held-out message is written into the risk, person or answer rules', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.yaml')) files.push(normaliseText(readFileSync(path, 'utf8')));
      }
    };
    for (const dir of ['safety', 'person', 'answers']) walk(join(root, 'intents', dir));
    const all = files.join('\n');
    // Five words or more: a short everyday request ("can someone ring me") is naturally written the same way twice.
    const copied = heldOut.map((c) => normaliseText(c.text)).filter((t) => t.split(' ').length >= 5 && all.includes(t));
    expect(copied).toEqual([]);
  });
});
