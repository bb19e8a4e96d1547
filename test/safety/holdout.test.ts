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
const heldOutDir = join(root, 'test', 'fixtures', 'holdout');
const sets = ['safety', 'safety-v2'] as const;
const heldOut = [...sets, 'everyday'].flatMap((set) => readSafetyCases(join(heldOutDir, set)));

interface Floor {
  urgentRecall: number;
  englishUrgentRecall: number;
  otherUrgentRecall: number;
  /** Urgent or a possible risk (the check-in and a person). */
  caughtRecall: number;
  falseUrgentMax: number;
  /** Harmless messages given the check-in: the price of the possible-risk level. */
  harmlessCheckInMax: number;
  personRecall: number;
  paQuestionsAskingForPersonMax: number;
}

/**
 * Measured on 2026-12-07, and again on 2026-12-08 after the topic examples grew by about 3,400 (they are the risk
 * model's negatives, so its scores moved): see the session notes. A change that lowers any of them fails here.
 */
const FLOORS: Record<(typeof sets)[number], Floor> = {
  // Written in the first session; measured after six development loops and with the risk model.
  safety: {
    urgentRecall: 0.77, // 403/518 (78%)
    englishUrgentRecall: 0.74, // 210/280 (75%)
    otherUrgentRecall: 0.8, // 193/238 (81%)
    caughtRecall: 0.86, // 449/518 (87%; was 444); the rules alone 415/518
    falseUrgentMax: 0.055, // 24/464 (5.2%)
    harmlessCheckInMax: 0.04, // 17/464 (3.7%; was 19); the rules alone 11/464
    personRecall: 0.94, // 192/202 (95%)
    paQuestionsAskingForPersonMax: 0.05, // 2/69
  },
  // Written in the second session, after the third development set was tuned against.
  'safety-v2': {
    urgentRecall: 0.75, // 392/518 (76%)
    englishUrgentRecall: 0.75, // 213/280 (76%)
    otherUrgentRecall: 0.75, // 179/238 (75%)
    // 450/518 (86.9%): 3 fewer than the 453 before the topic examples grew, while this set's false check-ins fell
    // from 20 to 14 and the first set caught 5 more. Lowered knowingly, from 0.87.
    caughtRecall: 0.865, // 450/518; the rules alone 413/518
    falseUrgentMax: 0.08, // 37/468 (7.9%)
    harmlessCheckInMax: 0.035, // 14/468 (3.0%; was 20); the rules alone 17/468
    personRecall: 0.86, // 157/182 (86%)
    paQuestionsAskingForPersonMax: 0.03, // 0/36
  },
};

describe.each(sets)('the held-out safety set %s', (set) => {
  const cases = readSafetyCases(join(heldOutDir, set));
  const floor = FLOORS[set];
  const f = safetyFigures(sharedKnowledge(), cases);
  const english = f.risk.byLanguage['en']!;
  const others = Object.entries(f.risk.byLanguage).filter(([l]) => l !== 'en').map(([, t]) => t);
  const othersCaught = others.reduce((s, t) => s + t.urgent, 0) / others.reduce((s, t) => s + t.n, 0);

  it('has at least 250 English risk and 250 English harmless messages, and 10 of each in every curated language', () => {
    const count = (language: string, level: string) => cases.filter((c) => c.language === language && c.level === level).length;
    expect(count('en', 'urgent')).toBeGreaterThanOrEqual(250);
    expect(count('en', 'none')).toBeGreaterThanOrEqual(250);
    for (const language of sharedKnowledge().catalogue.languages.keys()) {
      expect(count(language, 'urgent'), language).toBeGreaterThanOrEqual(10);
      expect(count(language, 'none'), language).toBeGreaterThanOrEqual(10);
    }
  });

  it('raises risk messages as urgent, or at least checks in, as often as when last measured', () => {
    expect(f.risk.urgent / f.risk.n).toBeGreaterThanOrEqual(floor.urgentRecall);
    expect(english.urgent / english.n).toBeGreaterThanOrEqual(floor.englishUrgentRecall);
    expect(othersCaught).toBeGreaterThanOrEqual(floor.otherUrgentRecall);
    expect((f.risk.urgent + f.risk.unsure) / f.risk.n).toBeGreaterThanOrEqual(floor.caughtRecall);
  });

  it('raises few harmless messages as urgent, and checks in on few', () => {
    expect(f.harmless.urgent / f.harmless.n).toBeLessThanOrEqual(floor.falseUrgentMax);
    expect(f.harmless.unsure / f.harmless.n).toBeLessThanOrEqual(floor.harmlessCheckInMax);
  });

  it('hands over requests for a person, and does not read questions about what a PA is as one', () => {
    expect(f.person.handedOver / f.person.n).toBeGreaterThanOrEqual(floor.personRecall);
    expect(f.info.askedForPerson / f.info.n).toBeLessThanOrEqual(floor.paQuestionsAskingForPersonMax);
  });
});

/**
 * Everyday chat written the same way (greetings, thanks, "yes im safe", the weather, a dead phone battery): what a
 * false alarm costs most often. The check-in for upset words nothing else explains ("bit stressed about my exams")
 * is by design; the risk model adds to it, and these floors keep that in bounds.
 */
describe('the held-out everyday chat', () => {
  const cases = readSafetyCases(join(heldOutDir, 'everyday'));
  const f = safetyFigures(sharedKnowledge(), cases);

  it('has at least 250 English messages and 10 in every curated language', () => {
    expect(cases.filter((c) => c.language === 'en').length).toBeGreaterThanOrEqual(250);
    for (const language of sharedKnowledge().catalogue.languages.keys()) {
      expect(cases.filter((c) => c.language === language).length, language).toBeGreaterThanOrEqual(10);
    }
  });

  it('raises almost none as urgent and checks in on few, as when last measured', () => {
    expect(f.harmless.urgent / f.harmless.n).toBeLessThanOrEqual(0.005); // 1/472
    expect(f.harmless.unsure / f.harmless.n).toBeLessThanOrEqual(0.04); // 17/472 (3.6%); the rules alone 14/472
  });
});

describe('held-out messages stay unseen', () => {
  it('no held-out message is written into the risk, person or answer rules', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.yaml') || name.endsWith('.jsonl')) files.push(normaliseText(readFileSync(path, 'utf8')));
      }
    };
    for (const dir of ['safety', 'person', 'answers']) walk(join(root, 'intents', dir));
    const all = files.join('\n');
    // Five words or more: a short everyday request ("can someone ring me") is naturally written the same way twice.
    const copied = heldOut.map((c) => normaliseText(c.text)).filter((t) => t.split(' ').length >= 5 && all.includes(t));
    expect(copied).toEqual([]);
  });
});
