/** @module A naive Bayes classifier of intents over words, word pairs and character runs, trained at start from the examples. */
import { hashedFeatures } from '../lib/hashed-features.js';

/** Hashes kept to 23 bits (collisions among the examples' few hundred thousand features are rare), so a feature and a label pack into one 32-bit key. */
const FEATURE_BITS = 23;
/** Room for this many labels in a packed key. */
const LABEL_SLOTS = 64;

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
 * Training packs each (feature, label) into a number, sorts them and counts the runs, and features are found
 * through an open-addressing table of typed arrays: no maps, so it builds from ten thousand examples in a
 * fraction of a second. Written here rather than taken from a library: the features (words, pairs and character
 * runs across words, hashed) are what let it read misspellings and eighteen languages.
 */
export class TopicModel {
  readonly labels: string[];
  readonly #normalise: (text: string) => string;
  /** Open addressing by feature: the feature (or -1) and its row. */
  readonly #slotFeature: Int32Array;
  readonly #slotRow: Int32Array;
  readonly #slotMask: number;
  readonly #rowStart: Int32Array;
  readonly #rowLabel: Uint8Array;
  /** log(count + α) − log α: the gain over an unseen feature. */
  readonly #rowGain: Float32Array;
  /** Per label: log(total features of the label + α × vocabulary), the cost of each known feature. */
  readonly #logDenominator: Float64Array;
  readonly #temperature: number;

  /** `examplesNormalised`: the examples' texts are already what `normalise` makes of them (the matcher's reading). */
  constructor(examples: Iterable<LabelledExample>, normalise: (text: string) => string, { temperature = TOPIC_TEMPERATURE, alpha = TOPIC_ALPHA, examplesNormalised = false } = {}) {
    this.#normalise = normalise;
    this.#temperature = temperature;
    const labelIndex = new Map<string, number>();
    const totals: number[] = [];
    let keys = new Int32Array(1 << 16);
    let n = 0;
    const seen = new Set<number>();
    for (const { text, label } of examples) {
      let y = labelIndex.get(label);
      if (y === undefined) {
        y = labelIndex.size;
        if (y >= LABEL_SLOTS) throw new Error(`the topic model holds at most ${LABEL_SLOTS} intents`);
        labelIndex.set(label, y);
        totals.push(0);
      }
      for (const f of hashedFeatures(examplesNormalised ? text : normalise(text), { bits: FEATURE_BITS, pairs: true }, seen)) {
        if (n === keys.length) {
          const grown = new Int32Array(keys.length * 2);
          grown.set(keys);
          keys = grown;
        }
        keys[n++] = f * LABEL_SLOTS + y;
      }
      totals[y]! += seen.size;
    }
    if (labelIndex.size < 2) throw new Error('the topic model needs examples of at least two intents');
    this.labels = [...labelIndex.keys()];
    const sorted = keys.subarray(0, n).sort();
    // Runs of one key are one (feature, label) count; runs of one feature are one row.
    let entries = 0, rows = 0;
    for (let i = 0; i < n; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) entries++;
      if (i === 0 || sorted[i]! >>> 6 !== sorted[i - 1]! >>> 6) rows++;
    }
    this.#rowStart = new Int32Array(rows + 1);
    this.#rowLabel = new Uint8Array(entries);
    this.#rowGain = new Float32Array(entries);
    let size = 1;
    while (size < rows * 2) size <<= 1;
    this.#slotMask = size - 1;
    this.#slotFeature = new Int32Array(size).fill(-1);
    this.#slotRow = new Int32Array(size);
    const logAlpha = Math.log(alpha);
    let row = -1, at = -1;
    for (let i = 0; i < n; ) {
      const key = sorted[i]!;
      let j = i;
      while (j < n && sorted[j] === key) j++;
      const f = key >>> 6;
      if (row < 0 || f !== sorted[i - 1]! >>> 6) {
        row++;
        this.#rowStart[row] = at + 1;
        let slot = Math.imul(f, 0x9e3779b1) >>> 0 & this.#slotMask;
        while (this.#slotFeature[slot] !== -1) slot = (slot + 1) & this.#slotMask;
        this.#slotFeature[slot] = f;
        this.#slotRow[slot] = row;
      }
      at++;
      this.#rowLabel[at] = key & (LABEL_SLOTS - 1);
      this.#rowGain[at] = Math.log(j - i + alpha) - logAlpha;
      i = j;
    }
    this.#rowStart[rows] = entries;
    this.#logDenominator = Float64Array.from(totals, (t) => Math.log(t + alpha * rows));
  }

  #row(f: number): number {
    let slot = Math.imul(f, 0x9e3779b1) >>> 0 & this.#slotMask;
    for (;;) {
      const at = this.#slotFeature[slot]!;
      if (at === f) return this.#slotRow[slot]!;
      if (at === -1) return -1;
      slot = (slot + 1) & this.#slotMask;
    }
  }

  /**
   * Each label's log-likelihood of the message, up to a constant shared by all labels. Features never seen in
   * training say nothing and are skipped; the number of known features is returned with the scores.
   */
  logLikelihoods(text: string): { scores: Float64Array; known: number } {
    const scores = new Float64Array(this.labels.length);
    let known = 0;
    for (const f of hashedFeatures(this.#normalise(text), { bits: FEATURE_BITS, pairs: true })) {
      const row = this.#row(f);
      if (row < 0) continue;
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
