/**
 * Development aid: chooses the risk model's threshold by five-fold cross-validation over its own training
 * messages (intents/safety/examples and the topic examples), so no held-out message is read to choose it.
 * Each fold's model is trained on the other four; its messages then go through understand and decide.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledge } from '../src/knowledge.js';
import { RiskModel } from '../src/safety/risk-model.js';
import { readSafetyCases, safetyFigures, type SafetyCase } from './safety-figures.js';

const FOLDS = 5;
const thresholds = (process.argv[2] ?? '1,1.5,2,2.5,3,Infinity').split(',').map(Number);
const show = process.argv[3] === '--show';
const root = join(import.meta.dirname, '..');
const examples = join(root, 'intents', 'safety', 'examples');
const k = loadKnowledge(root);

const cases: Array<SafetyCase & { set: string }> = readdirSync(examples).sort().flatMap((set) => readSafetyCases(join(examples, set)).map((c) => ({ ...c, set })));
const topics: SafetyCase[] = k.intents.intents.flatMap((i) => i.examples.map((text) => ({ text, language: 'en', level: 'none' as const, category: `topic` })));
const all = [...cases, ...topics.map((c) => ({ ...c, set: 'topics' }))];
// Interleaved folds: the files are ordered by kind, so each fold holds every kind.
const fold = (i: number) => i % FOLDS;

type Row = { caught: number; risk: number; devHarmless: number; devHarmlessN: number; everyday: number; everydayN: number; topics: number; topicsN: number };
const rows = new Map<number, Row>(thresholds.map((t) => [t, { caught: 0, risk: 0, devHarmless: 0, devHarmlessN: 0, everyday: 0, everydayN: 0, topics: 0, topicsN: 0 }]));
for (let f = 0; f < FOLDS; f++) {
  const test = all.filter((_, i) => fold(i) === f);
  const model = new RiskModel(all.filter((_, i) => fold(i) !== f).map((c) => ({ text: c.text, risk: c.level === 'urgent' })));
  for (const t of thresholds) {
    const understander = { ...k.understander, riskModel: { isPossibleRisk: (text: string) => model.score(text) >= t } as RiskModel };
    const kk = { ...k, understander };
    const row = rows.get(t)!;
    const risky = safetyFigures(kk, test.filter((c) => c.set !== 'topics' && c.set !== 'everyday'));
    row.risk += risky.risk.n;
    row.caught += risky.risk.urgent + risky.risk.unsure;
    row.devHarmlessN += risky.harmless.n;
    row.devHarmless += risky.harmless.unsure;
    const everyday = safetyFigures(kk, test.filter((c) => c.set === 'everyday'));
    row.everydayN += everyday.harmless.n;
    row.everyday += everyday.harmless.unsure + everyday.harmless.urgent;
    if (show && t === thresholds[0]) {
      for (const c of test.filter((c) => c.set !== 'topics')) {
        const wrong = (c.level === 'urgent') !== understander.riskModel.isPossibleRisk(c.text);
        if (wrong) console.log(`${c.level === 'urgent' ? 'MISSED' : 'FLAGGED'} ${c.set}/${c.language}/${c.category} ${model.score(c.text).toFixed(2)} :: ${c.text}`);
      }
    }
    // One topic example in eight: they are many, and a confident topic never reaches the model anyway.
    const tp = safetyFigures(kk, test.filter((c, i) => c.set === 'topics' && i % 8 === 0));
    row.topicsN += tp.harmless.n;
    row.topics += tp.harmless.unsure + tp.harmless.urgent;
  }
}
const pct = (a: number, n: number) => `${a}/${n} (${n ? ((100 * a) / n).toFixed(1) : '-'}%)`;
for (const [t, r] of rows) {
  console.log(`threshold ${t}: risk caught ${pct(r.caught, r.risk)}; check-in on look-alikes ${pct(r.devHarmless, r.devHarmlessN)}, everyday ${pct(r.everyday, r.everydayN)}, topic examples ${pct(r.topics, r.topicsN)}`);
}
