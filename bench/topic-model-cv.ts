/**
 * `npx tsx bench/topic-model-cv.ts`: how the topic model's temperature and the reader's thresholds were chosen.
 * 1. Five-fold cross-validation on the examples: the log loss of the probabilities for each temperature, with the
 *    scores divided by the temperature alone, by it times the square root of the known features, or times their
 *    number. The lowest wins.
 * 2. On the older test sets (never the held-out set of test/fixtures/holdout/topics), the trade at each threshold
 *    of the model answering alone: right, wrong, and right topic first in the menu otherwise.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledge } from '../src/knowledge.js';
import { softmax, TopicModel } from '../src/intents/topic-model.js';
import { projectRoot } from '../src/lib/project-root.js';

const root = projectRoot();
const k = loadKnowledge(root);
const normalise = (t: string) => k.understander.topics.matcher.normalise(t);
const examples = k.intents.intents.flatMap((i) => i.examples.map((text) => ({ text, label: i.id })));

// A fixed shuffle, so the folds are the same on every run.
let seed = 7;
const random = () => ((seed = Math.imul(seed, 48271) % 2147483647) & 0x7fffffff) / 2147483647;
const order = examples.map((_, i) => [random(), i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
const FOLDS = 5;
const held: Array<{ y: number; scores: Float64Array; known: number }> = [];
for (let f = 0; f < FOLDS; f++) {
  const model = new TopicModel(order.filter((_, j) => j % FOLDS !== f).map((i) => examples[i]!), normalise, { temperature: 1 });
  for (const i of order.filter((_, j) => j % FOLDS === f)) {
    const { scores, known } = model.logLikelihoods(examples[i]!.text);
    const y = model.labels.indexOf(examples[i]!.label);
    if (known > 0 && y >= 0) held.push({ y, scores, known });
  }
}
console.log(`Cross-validation on ${held.length} examples (log loss, lower is better)`);
for (const [name, power] of [['temperature alone', 0], ['times sqrt(known features)', 0.5], ['times known features', 1]] as const) {
  const losses = [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24].map((t) => {
    let loss = 0;
    for (const h of held) loss -= Math.log(Math.max(1e-12, softmax(h.scores, t * h.known ** power)[h.y]!));
    return [t, loss / held.length] as const;
  });
  const best = losses.reduce((a, b) => (b[1] < a[1] ? b : a));
  console.log(`  ${name.padEnd(28)} best temperature ${best[0]}: ${best[1].toFixed(3)}`);
}

const rows = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean)
  .map((l) => JSON.parse(l) as { text: string; expect: { topic?: string | null } }).filter((r) => r.expect.topic);
const fixtures = join(root, 'test', 'fixtures');
const dev = [
  ...rows(join(fixtures, 'english-holdout.jsonl')), ...rows(join(fixtures, 'paraphrases.jsonl')),
  ...readdirSync(join(fixtures, 'languages')).flatMap((f) => rows(join(fixtures, 'languages', f))),
];
console.log(`\nThe model alone on ${dev.length} messages of the older test sets, by the probability it needs to answer`);
const model = k.understander.topics.model;
for (const threshold of [0.5, 0.7, 0.8, 0.9, 0.95]) {
  let right = 0, wrong = 0, menuFirst = 0;
  for (const r of dev) {
    const p = model.classify(r.text);
    if (p[0] && p[0].p >= threshold) {
      if (p[0].label === r.expect.topic) right++;
      else wrong++;
    } else if (p[0]?.label === r.expect.topic) menuFirst++;
  }
  console.log(`  ${threshold}: right ${right}, wrong ${wrong}, right first in the menu ${menuFirst}`);
}
