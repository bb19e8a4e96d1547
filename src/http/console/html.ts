/** @module A tiny HTML template tag that escapes every interpolated value unless it is already Html, and shows hidden characters. */
import escapeHtml from 'escape-html';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Text put into an attribute exactly as it is (escaped, invisible characters kept): a form value that is sent on. */
export class Verbatim {
  constructor(readonly text: string) {}
}
export const verbatim = (text: string): Verbatim => new Verbatim(text);

type Value = string | number | boolean | null | undefined | Html | Verbatim | Value[];

/**
 * Characters that reorder text (bidi embeddings, overrides, isolates and marks) or are drawn as nothing
 * (zero-width spaces, word joiners, byte order marks, invisible operators, fillers, soft hyphens).
 * The two joiners are here too, but kept where they do their job (see keptJoiner).
 */
const HIDDEN = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]/gu;
const ZWNJ = '\u200C';
const ZWJ = '\u200D';
/** Scripts whose letters a joiner or non-joiner legitimately sits between (the non-joiner inside Persian words, Hindi conjuncts). */
const JOINING = new RegExp(
  `^[${['Arabic', 'Syriac', 'Nko', 'Mongolian', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala']
    .map((s) => `\\p{Script_Extensions=${s}}`).join('')}]$`,
  'u',
);
/** What may come before the joiner inside an emoji sequence (a family, the rainbow flag, a skin tone), and what after. */
const EMOJI_BEFORE = /^[\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}]$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}$/u;

const charBefore = (s: string, i: number): string => {
  const low = s.charCodeAt(i - 1);
  return i >= 2 && low >= 0xdc00 && low <= 0xdfff ? s.slice(i - 2, i) : s.slice(i - 1, i);
};
const charAfter = (s: string, i: number): string => {
  const cp = s.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
};

/** A joiner between two letters of a joining script, or a ZWJ inside an emoji sequence, changes only how they are drawn. */
function keptJoiner(ch: string, s: string, at: number): boolean {
  if (ch !== ZWNJ && ch !== ZWJ) return false;
  const before = charBefore(s, at);
  const after = charAfter(s, at + 1);
  if (JOINING.test(before) && JOINING.test(after)) return true;
  return ch === ZWJ && EMOJI_BEFORE.test(before) && EMOJI_AFTER.test(after);
}

/**
 * Makes every hidden character visible as [U+202E]: a message cannot then reorder what staff read (an override
 * that shows "moc.liam@evil" as "evil@mail.com") or hide something inside a word.
 */
export function showHidden(text: string): string {
  return text.replace(HIDDEN, (ch: string, at: number, s: string) =>
    keptJoiner(ch, s, at) ? ch : `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (v instanceof Verbatim) return escapeHtml(v.text);
  if (Array.isArray(v)) return v.map(render).join('');
  // Shown as text, never markup, so it is as safe inside an attribute as between tags.
  return escapeHtml(showHidden(String(v)));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]!) : ''), ''));
}
