/** @module Which language a short message is written in: script, letters, our own examples per language, and CLD2. */
import { normaliseText, stripAccents } from '../intents/normalise-text.js';

export interface LanguageGuess {
  /** Best guess, or null when there is nothing to go on (digits, emoji). */
  code: string | null;
  confident: boolean;
  /** Two languages the text cannot tell apart (Dari/Farsi, Tigrinya/Amharic): ask rather than guess. */
  ambiguous: [string, string] | null;
  script: 'latin' | 'arabic' | 'ethiopic' | 'other' | 'none';
  words: number;
  why: string;
}

/** Languages sharing a script whose short texts cannot be told apart reliably. */
const CLOSE_PAIRS: Array<[string, string]> = [['fa', 'prs'], ['ti', 'am']];

// Letters that only some Arabic-script languages use.
const SORANI = /[ەێۆڵڕۊ]/u;
const PASHTO = /[ټډړږښګڼېۍځڅ]/u;
const URDU = /[ٹڈڑںےۓھ]/u;
const PERSIAN = /[پچژگیک]/u;
const ARABIC_ONLY = /[ةىيك]|(^|\s)ال/u;
// Latin letters that point at one language, or narrow it to a few: Kurmanji's ê û ş are also French (être,
// sûr), Portuguese (vocês) and Romanian typed with a cedilla (şi), so they leave the words to decide among
// those four, unless a letter Kurmanji never uses (é à ã ă...) rules it out.
const LATIN_SIGNS: Array<[RegExp, string[]]> = [
  [/[ơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/u, ['vi']],
  [/[ąęłńśźż]/u, ['pl']],
  [/[șțţ]/u, ['ro']],
  [/ë/u, ['sq']],
  [/^(?![\s\S]*[éèàâôùœãõáóăí])[\s\S]*[êûş]/u, ['kmr', 'fr', 'pt', 'ro']],
];

function scriptOf(text: string): { script: LanguageGuess['script']; letters: number } {
  let latin = 0, arabic = 0, ethiopic = 0, other = 0;
  for (const ch of text) {
    if (/\p{Script=Latin}/u.test(ch)) latin++;
    else if (/\p{Script=Arabic}/u.test(ch)) arabic++;
    else if (/\p{Script=Ethiopic}/u.test(ch)) ethiopic++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  const letters = latin + arabic + ethiopic + other;
  if (letters === 0) return { script: 'none', letters };
  const max = Math.max(latin, arabic, ethiopic, other);
  // Any Arabic or Ge'ez letters decide the script: English words mixed in ("council tax ما عندي فلوس") are common.
  if (arabic > 0 && arabic >= ethiopic) return { script: 'arabic', letters };
  if (ethiopic > 0) return { script: 'ethiopic', letters };
  return { script: max === latin ? 'latin' : 'other', letters };
}

const tokens = (text: string) => stripAccents(normaliseText(text)).split(' ').filter((w) => w !== '' && !/^\d+$/.test(w));

export interface DetectorOptions {
  /** The external detector (CLD2), restricted to our languages by the caller's map. */
  external?: (text: string) => Array<{ code: string; percent: number }>;
}

/**
 * A unigram model per language built from the service's own example messages (which include Arabizi, Finglish,
 * Roman Urdu and unaccented Vietnamese), narrowed by script and tell-tale letters, with CLD2 as a tie-breaker.
 */
export class LanguageDetector {
  readonly #counts = new Map<string, Map<string, number>>();
  readonly #totals = new Map<string, number>();
  readonly #vocabulary = new Set<string>();
  readonly #languages: string[];
  readonly #scriptOfLanguage = new Map<string, LanguageGuess['script']>();
  readonly #external: DetectorOptions['external'];

  constructor(examplesByLanguage: ReadonlyMap<string, string[]>, options: DetectorOptions = {}) {
    this.#languages = [...examplesByLanguage.keys()];
    this.#external = options.external;
    for (const [language, examples] of examplesByLanguage) {
      const counts = new Map<string, number>();
      let total = 0;
      const scripts = { latin: 0, arabic: 0, ethiopic: 0, other: 0, none: 0 };
      for (const e of examples) {
        scripts[scriptOf(e).script]++;
        for (const t of tokens(e)) {
          counts.set(t, (counts.get(t) ?? 0) + 1);
          this.#vocabulary.add(t);
          total++;
        }
      }
      this.#counts.set(language, counts);
      this.#totals.set(language, total);
      // A language's main script is that of most of its examples (romanised ones are the minority).
      const main = (Object.entries(scripts) as Array<[LanguageGuess['script'], number]>).sort((a, b) => b[1] - a[1])[0]![0];
      this.#scriptOfLanguage.set(language, main);
    }
  }

  /** Average log-likelihood per known word: how much the text looks like this language's messages. */
  #score(language: string, words: string[]): number {
    const counts = this.#counts.get(language)!;
    const total = this.#totals.get(language)!;
    const v = this.#vocabulary.size;
    const known = words.filter((w) => this.#vocabulary.has(w));
    if (known.length === 0) return -Infinity;
    return known.reduce((sum, w) => sum + Math.log(((counts.get(w) ?? 0) + 0.1) / (total + 0.1 * v)), 0) / known.length;
  }

  #candidates(text: string, script: LanguageGuess['script']): string[] {
    if (script === 'arabic') {
      if (SORANI.test(text)) return ['ckb'];
      if (PASHTO.test(text)) return ['ps'];
      if (URDU.test(text)) return ['ur'];
      if (PERSIAN.test(text) && !/[ةى]/u.test(text)) return ['fa', 'prs'];
      if (ARABIC_ONLY.test(text)) return ['ar', 'fa', 'prs', 'ur', 'ps'];
      return this.#languages.filter((l) => this.#scriptOfLanguage.get(l) === 'arabic');
    }
    if (script === 'ethiopic') return this.#languages.filter((l) => this.#scriptOfLanguage.get(l) === 'ethiopic');
    if (script === 'latin') {
      for (const [sign, languages] of LATIN_SIGNS) {
        const possible = languages.filter((l) => this.#languages.includes(l));
        if (possible.length > 0 && sign.test(text.toLowerCase())) return possible;
      }
      // Every language can be typed in Latin letters (Arabizi, Finglish, Roman Urdu).
      return this.#languages.filter((l) => l !== 'am' && l !== 'ti' && l !== 'ckb');
    }
    return [];
  }

  /** The script most of a language's examples are written in. */
  scripts(): ReadonlyMap<string, string> {
    return this.#scriptOfLanguage;
  }

  detect(text: string): LanguageGuess {
    const { script } = scriptOf(text);
    const words = tokens(text);
    if (script === 'none' || words.length === 0) return { code: null, confident: false, ambiguous: null, script, words: 0, why: 'no words' };
    const candidates = this.#candidates(text, script).filter((l) => this.#counts.has(l));
    if (candidates.length === 0) return { code: null, confident: false, ambiguous: null, script, words: words.length, why: `no language of ours uses this script` };
    if (candidates.length === 1) return { code: candidates[0]!, confident: true, ambiguous: null, script, words: words.length, why: 'letters only this language uses' };

    const external = this.#external?.(text) ?? [];
    const scored = candidates
      .map((l) => {
        const hint = external.find((e) => e.code === l);
        // CLD2 is weak on a few words, so it only nudges: up to one nat for a language it is sure of.
        return { l, s: this.#score(l, words) + (hint ? hint.percent / 100 : 0) };
      })
      .sort((a, b) => b.s - a.s);
    const [first, second] = scored;
    if (!first || first.s === -Infinity) {
      const fromExternal = external.find((e) => candidates.includes(e.code));
      return fromExternal
        ? { code: fromExternal.code, confident: false, ambiguous: null, script, words: words.length, why: 'only the external detector knew' }
        : { code: null, confident: false, ambiguous: null, script, words: words.length, why: 'no word we know' };
    }
    const margin = second && second.s !== -Infinity ? first.s - second.s : Infinity;
    const pair = CLOSE_PAIRS.find(([a, b]) => (first.l === a && second?.l === b) || (first.l === b && second?.l === a));
    if (pair && margin < 1.0) {
      return { code: first.l, confident: false, ambiguous: [first.l, second!.l] as [string, string], script, words: words.length, why: `${pair.join(' and ')} look alike here` };
    }
    // One or two shared words ("ok", "hi", a place name) are never enough on their own.
    const confident = margin >= 0.7 && (words.length >= 2 || script !== 'latin');
    return { code: first.l, confident, ambiguous: null, script, words: words.length, why: `margin ${margin === Infinity ? 'clear' : margin.toFixed(2)} over ${second?.l ?? 'none'}` };
  }
}
