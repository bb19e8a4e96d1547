/** @module Text features as hashed slots (words, word pairs, character runs): what the statistical models count. */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// A word's hash starts as if after a "w", a pair's after a "p": the word "cut", the run "cut" (inside "cute")
// and a pair are different features.
const WORD_SEED = Math.imul(FNV_OFFSET ^ 0x77, FNV_PRIME);
const PAIR_SEED = Math.imul(FNV_OFFSET ^ 0x70, FNV_PRIME);

export interface FeatureOptions {
  /** Slots are hashes masked to this many bits. */
  bits: number;
  /** Also count each pair of neighbouring words ("rent upfront"). */
  pairs?: boolean;
}

/**
 * The slots of a text already normalised to words separated by single spaces: each word, and every run of three
 * to five characters across the words, so misspellings and other languages still share features. FNV-1a over the
 * characters. Each slot is reported once per text; `seen` is cleared and reused to spare allocations.
 */
export function hashedFeatures(normalised: string, options: FeatureOptions, seen: Set<number> = new Set()): Set<number> {
  const mask = options.bits >= 32 ? 0xffffffff : (1 << options.bits) - 1;
  const t = ` ${normalised} `;
  seen.clear();
  let word = WORD_SEED;
  let previous: number | null = null;
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 32) {
      seen.add(word & mask);
      if (options.pairs && previous !== null) seen.add(Math.imul(Math.imul(PAIR_SEED ^ previous, FNV_PRIME) ^ word, FNV_PRIME) & mask);
      previous = word;
      word = WORD_SEED;
    } else word = Math.imul(word ^ c, FNV_PRIME);
    for (let n = 3; n <= 5 && i - n + 1 >= 0; n++) {
      let h = FNV_OFFSET;
      for (let j = i - n + 1; j <= i; j++) h = Math.imul(h ^ t.charCodeAt(j), FNV_PRIME);
      seen.add(h & mask);
    }
  }
  return seen;
}
