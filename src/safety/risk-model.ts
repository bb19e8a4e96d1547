/** @module A second net under the concept rules: a naive Bayes model of risk messages, trained at start from labelled examples. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseText } from '../intents/normalise-text.js';

/**
 * Score at or above which a message the rules did not catch is read as a possible risk (a check-in and a person).
 * Chosen on the third development set: at 2, 5% of its harmless lines and requests for a person were flagged
 * beside the rules; the held-out sets in the README show what it adds on messages nobody tuned against.
 */
export const POSSIBLE_RISK_SCORE = 2;

/** Words, and every run of three to five characters across them, so misspellings and other languages still share features. */
function features(text: string): Set<string> {
  const t = ` ${normaliseText(text)} `;
  const out = new Set<string>();
  for (const w of t.trim().split(' ')) if (w) out.add(`w:${w}`);
  for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= t.length; i++) out.add(t.slice(i, i + n));
  return out;
}

export interface LabelledText {
  text: string;
  risk: boolean;
}

/**
 * Counts of features in risk and other messages. The score is the log odds of risk per feature seen in training,
 * summed and divided by the square root of the number of features, so one threshold serves a two-word message
 * and a paragraph alike. Written here rather than taken from a library because that length-normalised score is
 * what the threshold is set on, and the model is forty lines of counting.
 */
export class RiskModel {
  readonly #counts: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  readonly #totals: [number, number] = [0, 0];
  readonly #docs: [number, number] = [0, 0];
  #vocabulary = 0;

  constructor(examples: Iterable<LabelledText>) {
    for (const { text, risk } of examples) {
      const y = risk ? 1 : 0;
      this.#docs[y]++;
      for (const f of features(text)) {
        this.#counts[y].set(f, (this.#counts[y].get(f) ?? 0) + 1);
        this.#totals[y]++;
      }
    }
    this.#vocabulary = new Set([...this.#counts[0].keys(), ...this.#counts[1].keys()]).size;
    if (this.#docs[0] === 0 || this.#docs[1] === 0) throw new Error('the risk model needs risk and other examples');
  }

  /** How much the message looks like the risk examples; at or above POSSIBLE_RISK_SCORE it is a possible risk. */
  score(text: string): number {
    const [other, risk] = this.#counts;
    const f = features(text);
    let s = Math.log(this.#docs[1] / this.#docs[0]);
    for (const x of f) {
      if (!other.has(x) && !risk.has(x)) continue;
      s += Math.log(((risk.get(x) ?? 0) + 1) / (this.#totals[1] + this.#vocabulary)) - Math.log(((other.get(x) ?? 0) + 1) / (this.#totals[0] + this.#vocabulary));
    }
    return s / Math.sqrt(Math.max(f.size, 1));
  }
}

/**
 * The labelled messages under `dir` (intents/safety/examples: JSON lines with `text` and `level`, written apart
 * from the rules); "urgent" lines are risk, every other line (harmless look-alikes, requests for a person,
 * questions) is not.
 */
export function readRiskExamples(dir: string): LabelledText[] {
  const out: LabelledText[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.jsonl')) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          const row = JSON.parse(line) as { text: string; level: string };
          out.push({ text: row.text, risk: row.level === 'urgent' });
        }
      }
    }
  };
  walk(dir);
  return out;
}
