/** @module Text normalisation shared by risk screening and intent matching. */

// Arabic short vowels and other marks, superscript alef, and tatweel: writers use them inconsistently.
const ARABIC_MARKS = /[\u064B-\u065F\u0670\u0640]/g;
const ARABIC_LETTERS: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ى': 'ي', 'ة': 'ه', 'ؤ': 'و', 'ئ': 'ي', 'ی': 'ي', 'ک': 'ك',
};
const ARABIC_VARIANTS = new RegExp(`[${Object.keys(ARABIC_LETTERS).join('')}]`, 'g');
const APOSTROPHES = /['\u2018\u2019\u02BC\u0060\u00B4]/g;
// Keep letters, combining marks and digits; everything else (punctuation, emoji, symbols) separates words.
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/gu;

/**
 * Lower case, Unicode NFKC, Arabic-script spelling variants unified, apostrophes removed ("can't" → "cant"),
 * punctuation and emoji turned into single spaces. Latin accents are kept; matchers decide how to treat them.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(ARABIC_MARKS, '')
    .replace(ARABIC_VARIANTS, (c) => ARABIC_LETTERS[c]!)
    .replace(APOSTROPHES, '')
    .replace(NOT_WORD, ' ')
    .trim();
}

/** Accents removed as well: for matching text typed without them ("muon chet", "telephone"). */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

export interface SpellingMap {
  words: ReadonlyMap<string, string>;
  phrases: ReadonlyArray<readonly [RegExp, string]>;
}

/** Rewrites text-speak and common misspellings word by word ("cn u help wiv" → "can you help with"). */
export function expandSpelling(normalised: string, map: SpellingMap): string {
  let text = ` ${normalised} `;
  for (const [pattern, replacement] of map.phrases) text = text.replace(pattern, ` ${replacement} `);
  return text
    .trim()
    .split(/\s+/)
    .map((w) => map.words.get(w) ?? w)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
