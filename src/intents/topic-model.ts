/** @module A naive Bayes classifier of intents over words, word pairs and character runs, trained at start from the examples. */
import { hashedFeatures } from '../lib/hashed-features.js';

/** Hashes kept to 24 bits: collisions among the few hundred thousand features of the examples are rare. */
const FEATURE_BITS = 24;

/**
 * Temperature applied to the naive Bayes log-likelihoods before softmax, times the square root of the number of
 * known features, so the probabilities mean what they say. Naive Bayes counts every overlapping character run as
 * independent evidence, so it is overconfident, the more the longer the message. Five-fold cross-validation on the
 * examples (`npx tsx bench/topic-model-cv.ts`) gave the lowest log loss with the square root (against none or the
 * plain count) and this temperature.
 */
export const TOPIC_TEMPERATURE = 2;

/** Additive smoothing of the counts (Laplace's add-one is too strong for character runs); chosen with the temperature. */
export const TOPIC_ALPHA = 0.1;

export interface LabelledExample {
  text: string;
  label: string;
}

export interface LabelProbability {
  label: string;
  p: number;
}

/**
 * Multinomial naive Bayes over binary features with equal priors (a topic with more examples is not more
 * likely to be asked about). Counts are kept sparse: for each feature seen in training, the labels that used it
 * and how often, so a message costs one lookup per feature and a few additions per label that shares it.
 * Written here rather than taken from a library: the features (words, pairs and character runs across words,
 * hashed) are what let it read misspellings and eighteen languages, and the model is a page of counting.
 */
export class TopicModel {
  readonly labels: string[];
  readonly #normalise: (text: string) => string;
  readonly #rowOf = new Map<number, number>();
  #rowStart: Int32Array = new Int32Array(1);
  #rowLabel: Uint16Array = new Uint16Array(0);
  /** log(count + α) − log α: the gain over an unseen feature. */
  #rowGain: Float32Array = new Float32Array(0);
  /** Per label: log(total features of the label + α × vocabulary), the cost of each known feature. */
  #logDenominator: Float64Array = new Float64Array(0);
  readonly #temperature: number;

  constructor(examples: Iterable<LabelledExample>, normalise: (text: string) => string, { temperature = TOPIC_TEMPERATURE, alpha = TOPIC_ALPHA } = {}) {
    this.#normalise = normalise;
    this.#temperature = temperature;
    const labelIndex = new Map<string, number>();
    const counts = new Map<number, Map<number, number>>();
    const totals: number[] = [];
    const seen = new Set<number>();
    for (const { text, label } of examples) {
      let y = labelIndex.get(label);
      if (y === undefined) {
        y = labelIndex.size;
        labelIndex.set(label, y);
        totals.push(0);
      }
      for (const f of hashedFeatures(normalise(text), { bits: FEATURE_BITS, pairs: true }, seen)) {
        let byLabel = counts.get(f);
        if (!byLabel) counts.set(f, (byLabel = new Map()));
        byLabel.set(y, (byLabel.get(y) ?? 0) + 1);
      }
      totals[y]! += seen.size;
    }
    if (labelIndex.size < 2) throw new Error('the topic model needs examples of at least two intents');
    this.labels = [...labelIndex.keys()];
    let entries = 0;
    for (const byLabel of counts.values()) entries += byLabel.size;
    this.#rowStart = new Int32Array(counts.size + 1);
    this.#rowLabel = new Uint16Array(entries);
    this.#rowGain = new Float32Array(entries);
    let row = 0, at = 0;
    const logAlpha = Math.log(alpha);
    for (const [f, byLabel] of counts) {
      this.#rowOf.set(f, row);
      this.#rowStart[row] = at;
      for (const [y, n] of byLabel) {
        this.#rowLabel[at] = y;
        this.#rowGain[at] = Math.log(n + alpha) - logAlpha;
        at++;
      }
      row++;
    }
    this.#rowStart[row] = at;
    const vocabulary = counts.size;
    this.#logDenominator = Float64Array.from(totals, (t) => Math.log(t + alpha * vocabulary));
  }

  /**
   * Each label's log-likelihood of the message, up to a constant shared by all labels. Features never seen in
   * training say nothing and are skipped; the number of known features is returned with the scores.
   */
  logLikelihoods(text: string): { scores: Float64Array; known: number } {
    const scores = new Float64Array(this.labels.length);
    let known = 0;
    for (const f of hashedFeatures(this.#normalise(text), { bits: FEATURE_BITS, pairs: true })) {
      const row = this.#rowOf.get(f);
      if (row === undefined) continue;
      known++;
      for (let i = this.#rowStart[row]!; i < this.#rowStart[row + 1]!; i++) scores[this.#rowLabel[i]!]! += this.#rowGain[i]!;
    }
    for (let y = 0; y < scores.length; y++) scores[y]! -= known * this.#logDenominator[y]!;
    return { scores, known };
  }

  /** Calibrated probabilities of every label, most likely first; empty when no feature of the message is known. */
  classify(text: string): LabelProbability[] {
    const { scores, known } = this.logLikelihoods(text);
    if (known === 0) return [];
    return softmax(scores, this.#temperature * Math.sqrt(known)).map((p, y) => ({ label: this.labels[y]!, p })).sort((a, b) => b.p - a.p);
  }
}

/** Probabilities from log-likelihoods divided by the temperature. */
export function softmax(scores: ArrayLike<number>, temperature: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]!);
  const e = Array.from({ length: scores.length }, (_, i) => Math.exp((scores[i]! - max) / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}
