/** @module Concepts and the rules that combine them: reads a message by meaning (a means, an act, a time...), not by exact phrase. */
import { z } from 'zod';

/**
 * A rule fires when every slot is present within `within` words of the others. A slot is one concept or
 * several alternatives written `a|b`. `unless` concepts inside the same window stop it (an accident, a joke).
 */
export const ruleSchema = z.object({
  category: z.string().min(1),
  level: z.string().min(1),
  when: z.array(z.string().min(1)).min(1),
  within: z.number().int().positive().default(12),
  unless: z.array(z.string().min(1)).default([]),
});
export type RuleDef = z.infer<typeof ruleSchema>;

export const conceptsSchema = z.record(z.string(), z.array(z.string()).nullable().transform((v) => v ?? []));

export interface ConceptSet {
  language: string;
  concepts: Record<string, string[]>;
  rules: RuleDef[];
}

/** Where a concept was found: word positions in the normalised text. */
interface Hit {
  start: number;
  end: number;
}

export interface RuleMatch {
  category: string;
  level: string;
  language: string;
  /** The concepts that made the rule fire, in slot order. */
  concepts: string[];
  /** First and last word of the words that fired it (to tell whether a harmless phrase covers them). */
  span: [number, number];
}

/** Normalised text is words separated by single spaces, so a word boundary is a space or an end. */
const BEFORE = '(?<![^ ])';
const AFTER = '(?![^ ])';
const LATIN_ONLY = /^[\x00-\x7F\u00C0-\u024F\u1E00-\u1EFF]*$/u;

/**
 * A concept's terms as one regular expression. Latin-script terms match whole words (a trailing `*` allows any
 * ending: `suicid*`); terms in other scripts match inside words too, because Arabic-script and Ethiopic words
 * carry attached prefixes and suffixes. The word boundary is checked once for all Latin terms.
 */
export function conceptSource(terms: string[]): string {
  const latin: string[] = [];
  const other: string[] = [];
  for (const term of terms) {
    // A trailing * after a letter means "any ending"; after \w, ) or ] it is the expression's own repeat.
    const prefix = term.endsWith("*") && /[\p{L}\p{M}]\??$/u.test(term.slice(0, -1));
    const body = prefix ? term.slice(0, -1) : term;
    if (LATIN_ONLY.test(body.replace(/\\./g, ''))) latin.push(`(?:${body})${prefix ? '[^ ]*' : AFTER}`);
    else other.push(`(?:${body})`);
  }
  const parts = [...(latin.length > 0 ? [`${BEFORE}(?:${latin.join('|')})`] : []), ...other];
  return parts.join('|');
}

/** What a concept's terms need in a text before its expression is worth running; null: it may match anywhere. */
interface Needs {
  words: Set<string>;
  prefixes: Set<string>;
  inside: string[];
}

const META = /[\\()[\]{}.*+?|^$]/;

/**
 * The literal start of each term: most messages share no first word with most concepts, and a few set
 * look-ups are far cheaper than running an expression of a hundred alternatives at every position.
 */
function needsOf(terms: string[]): Needs | null {
  const needs: Needs = { words: new Set(), prefixes: new Set(), inside: [] };
  for (const raw of terms) {
    for (const term of new Set([raw, stripAccents(raw)])) {
      const cut = term.search(META);
      // A quantifier makes the character before it optional: it is not part of what the text must hold.
      const literal = cut === -1 ? term : term.slice(0, '?*+{'.includes(term[cut]!) ? Math.max(cut - 1, 0) : cut);
      if (!LATIN_ONLY.test(term.replace(/\\./g, ''))) {
        if (literal.length < 2) return null;
        needs.inside.push(literal);
        continue;
      }
      const space = literal.indexOf(' ');
      // A whole first word is known when the literal runs past it; otherwise only how the word starts.
      if (space > 0) needs.words.add(literal.slice(0, space));
      else if (cut === -1) needs.words.add(literal);
      else if (literal.length >= 2) needs.prefixes.add(literal);
      else return null;
    }
  }
  return needs;
}

/** The words of a text, every start of every word, and the scripts it holds, built once per text. */
interface TextIndex {
  text: string;
  words: Set<string>;
  starts: Set<string>;
  scripts: Set<Script>;
  wordStarts: number[];
}

/** Every match: a sticky expression is tried at each word start only, a global one across the text. */
function search(re: RegExp, text: string, wordStarts: number[]): Array<{ index: number; length: number }> {
  if (!re.sticky) return [...text.matchAll(re)].map((m) => ({ index: m.index, length: m[0].length }));
  const found: Array<{ index: number; length: number }> = [];
  for (const start of wordStarts) {
    re.lastIndex = start;
    const m = re.exec(text);
    if (m) found.push({ index: start, length: m[0].length });
  }
  return found;
}

export type Script = 'latin' | 'arabic' | 'ethiopic';
const ARABIC = /\p{Script=Arabic}/u;
const ETHIOPIC = /\p{Script=Ethiopic}/u;
/** The script a term or pattern needs in the message; Latin letters (English, romanised) are always there. */
export const scriptOf = (s: string): Script => (ARABIC.test(s) ? 'arabic' : ETHIOPIC.test(s) ? 'ethiopic' : 'latin');
/** The scripts a text holds; Latin counts always, since a Latin term can match any text. */
export const scriptsIn = (text: string): Set<Script> =>
  new Set<Script>(['latin', ...(ARABIC.test(text) ? ['arabic' as const] : []), ...(ETHIOPIC.test(text) ? ['ethiopic' as const] : [])]);

function indexText(text: string): TextIndex {
  const words = new Set(text.split(' '));
  const starts = new Set<string>();
  for (const w of words) for (let i = 2; i <= w.length; i++) starts.add(w.slice(0, i));
  const wordStarts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === ' ') wordStarts.push(i + 1);
  return { text, words, starts, scripts: scriptsIn(text), wordStarts };
}

/**
 * Which concepts could match a text, found from the text's words rather than concept by concept: each concept's
 * literal starts are indexed once, so a message of twenty words costs a few dozen look-ups per language.
 */
class CandidateIndex {
  readonly #byWord = new Map<string, string[]>();
  readonly #byStart = new Map<string, string[]>();
  readonly #inside: Array<[string, string]> = [];
  readonly #always: string[] = [];
  readonly #scripts = new Map<string, Set<Script>>();

  add(concept: string, needs: Needs | null, scripts: Set<Script>): void {
    this.#scripts.set(concept, scripts);
    if (!needs) {
      this.#always.push(concept);
      return;
    }
    const put = (map: Map<string, string[]>, key: string) => map.set(key, [...(map.get(key) ?? []), concept]);
    for (const w of needs.words) put(this.#byWord, w);
    for (const p of needs.prefixes) put(this.#byStart, p);
    for (const i of needs.inside) this.#inside.push([i, concept]);
  }

  candidates(t: TextIndex): Set<string> {
    const found = new Set<string>(this.#always);
    for (const w of t.words) for (const c of this.#byWord.get(w) ?? []) found.add(c);
    for (const st of t.starts) for (const c of this.#byStart.get(st) ?? []) found.add(c);
    for (const [literal, c] of this.#inside) if (!found.has(c) && t.text.includes(literal)) found.add(c);
    for (const c of found) if (![...this.#scripts.get(c)!].some((sc) => t.scripts.has(sc))) found.delete(c);
    return found;
  }
}

/** Accents removed, for matching text typed without them ("muon chet", "je me suis ouvert les veines"). */
const stripAccents = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');

interface CompiledRule extends RuleDef {
  slots: string[][];
}

/** The word a character offset falls in, by binary search over the text's word starts. */
function wordAt(wordStarts: number[], offset: number): number {
  let lo = 0;
  let hi = wordStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (wordStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A compiled concept set: every concept's terms as one expression, and the rules over them. */
export class ConceptRules {
  readonly language: string;
  readonly #concepts = new Map<string, RegExp>();
  /** Which concepts a text could hold, from their terms' literal starts and scripts. */
  readonly #candidates = new CandidateIndex();
  readonly #rules: CompiledRule[];

  /** `shared` concepts (emoji, doses, numbers) may be used by any language's rules. */
  constructor(set: ConceptSet, shared: Record<string, string[]> = {}) {
    this.language = set.language;
    const problems: string[] = [];
    const all = { ...shared, ...set.concepts };
    for (const [name, terms] of Object.entries(all)) {
      if (terms.length === 0) continue;
      const source = conceptSource([...new Set(terms.flatMap((t) => [t, stripAccents(t)]))]);
      try {
        // Without the i flag: text and terms are lower case, and case-insensitive Unicode classes are slow.
        // Latin terms start only where a word starts: tried there alone (sticky), not at every character.
        const latinOnly = terms.every((t) => LATIN_ONLY.test(t.replace(/\\./g, '')));
        this.#concepts.set(name, new RegExp(source, latinOnly ? 'uy' : 'gu'));
        // Arabic-script terms cannot match an English text: each concept keeps the scripts it is written in.
        this.#candidates.add(name, needsOf(terms), new Set(terms.map((t) => scriptOf(t.replace(/\\[pP]\{[^}]*\}/g, '')))));
      } catch (err) {
        problems.push(`${set.language}: concept "${name}": ${(err as Error).message}`);
      }
    }
    this.#rules = set.rules.map((r) => ({ ...r, slots: r.when.map((s) => s.split('|').map((c) => c.trim())) }));
    for (const r of this.#rules) {
      for (const c of [...r.slots.flat(), ...r.unless]) {
        if (!(c in all)) problems.push(`${set.language}: rule for ${r.category} uses "${c}", which is not a concept`);
      }
    }
    if (problems.length > 0) throw new Error(`Concept rules are not valid:\n  - ${problems.join('\n  - ')}`);
  }

  /** Every rule that fires on a normalised text (lower case, words separated by single spaces). */
  matches(normalised: string): RuleMatch[] {
    return this.read(normalised).matches;
  }

  /** As `matches`, and whether some rule's words were all there but a stopping concept (a joke, an accident) held it back. */
  read(normalised: string): { matches: RuleMatch[]; stopped: boolean } {
    let stopped = false;
    const texts = [normalised];
    const plain = stripAccents(normalised);
    if (plain !== normalised) texts.push(plain);
    const out: RuleMatch[] = [];
    const fired = new Set<CompiledRule>();
    for (const text of texts) {
      const index = indexText(text);
      const at = (offset: number) => wordAt(index.wordStarts, offset);
      const candidates = this.#candidates.candidates(index);
      const hits = new Map<string, Hit[]>();
      const find = (concept: string): Hit[] => {
        let h = hits.get(concept);
        if (!h) {
          const re = this.#concepts.get(concept);
          h = re && candidates.has(concept) ? search(re, text, index.wordStarts).map((m) => ({ start: at(m.index), end: at(m.index + Math.max(m.length - 1, 0)) })) : [];
          hits.set(concept, h);
        }
        return h;
      };
      for (const rule of this.#rules) {
        // A rule found in the text as written is not reported again for the same text without accents.
        if (fired.has(rule)) continue;
        const found = fire(rule, find);
        if (found === 'stopped') stopped = true;
        else if (found) {
          fired.add(rule);
          out.push({ category: rule.category, level: rule.level, language: this.language, concepts: found.concepts, span: found.span });
        }
      }
    }
    return { matches: out, stopped };
  }
}

/**
 * The first set of words, one hit per slot, that lies within the rule's window with no `unless` near it. Each
 * window start is tried once with the first combination found inside it: the cost stays linear in the words
 * even when a short term (an attached suffix in Ethiopic script) is found in every word. 'stopped': the words
 * were all there, but a stopping concept held back every window they fill.
 */
function fire(rule: CompiledRule, find: (c: string) => Hit[]): { concepts: string[]; span: [number, number] } | 'stopped' | null {
  // Slot by slot, stopping at the first empty one: most rules fail on their first slot, unsearched beyond it.
  const options: Array<Array<{ c: string; h: Hit }>> = [];
  for (const alts of rule.slots) {
    const seen = new Set<string>();
    const slot = alts.flatMap((c) => find(c).map((h) => ({ c, h }))).filter((o) => {
      const key = `${o.h.start}:${o.h.end}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    if (slot.length === 0) return null;
    options.push(slot);
  }
  const unless = rule.unless.flatMap((c) => find(c));
  const reach = Math.max(rule.within, 12);
  const starts = [...new Set(options.flat().map((o) => o.h.start))].sort((a, b) => a - b);
  let stopped = false;
  for (const lo of starts) {
    const inWindow = options.map((o) => o.filter((x) => x.h.start >= lo && x.h.end <= lo + rule.within));
    if (inWindow.some((w) => w.length === 0)) continue;
    const chosen: Array<{ c: string; h: Hit }> = [];
    // Two slots never share words ("cut" cannot be both the act and the body part, "taking me" both the
    // pressure and the errand).
    const pick = (i: number): boolean => {
      if (i === inWindow.length) return true;
      for (const o of inWindow[i]!) {
        if (chosen.some((x) => x.h.start <= o.h.end && o.h.start <= x.h.end)) continue;
        chosen.push(o);
        if (pick(i + 1)) return true;
        chosen.pop();
      }
      return false;
    };
    if (!pick(0)) continue;
    const from = Math.min(...chosen.map((x) => x.h.start));
    const to = Math.max(...chosen.map((x) => x.h.end));
    // A stopping concept (an accident, a joke, a course) counts within the rule's reach of the words that fired it.
    if (unless.some((u) => u.end >= from - reach && u.start <= to + reach)) {
      stopped = true;
      continue;
    }
    return { concepts: chosen.map((x) => x.c), span: [from, to] };
  }
  return stopped ? 'stopped' : null;
}
