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
    const prefix = term.endsWith('*');
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
      const literal = cut === -1 ? term : term.slice(0, cut);
      if (!LATIN_ONLY.test(term.replace(/\\./g, ''))) {
        if (literal.length < 2) return null;
        needs.inside.push(literal);
        continue;
      }
      const space = literal.indexOf(' ');
      // A whole first word is known when the literal runs past it; otherwise only how the word starts.
      if (space > 0) needs.words.add(literal.slice(0, space));
      else if (cut === -1 && !term.endsWith('*')) needs.words.add(literal);
      else if (literal.length >= 2) needs.prefixes.add(literal);
      else return null;
    }
  }
  return needs;
}

/** The words of a text and every start of every word, built once per text. */
interface TextIndex {
  text: string;
  words: Set<string>;
  starts: Set<string>;
}

function indexText(text: string): TextIndex {
  const words = new Set(text.split(' '));
  const starts = new Set<string>();
  for (const w of words) for (let i = 2; i <= w.length; i++) starts.add(w.slice(0, i));
  return { text, words, starts };
}

function mayMatch(needs: Needs | null, t: TextIndex): boolean {
  if (!needs) return true;
  for (const w of needs.words) if (t.words.has(w)) return true;
  for (const p of needs.prefixes) if (t.starts.has(p)) return true;
  return needs.inside.some((i) => t.text.includes(i));
}

/** Accents removed, for matching text typed without them ("muon chet", "je me suis ouvert les veines"). */
const stripAccents = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');

interface CompiledRule extends RuleDef {
  slots: string[][];
}

/** Word index of each character offset in a space-separated text. */
function wordIndex(text: string): (offset: number) => number {
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === ' ') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/** A compiled concept set: every concept's terms as one expression, and the rules over them. */
export class ConceptRules {
  readonly language: string;
  readonly #concepts = new Map<string, RegExp>();
  /** For each concept, the literal starts its terms need in the text (null: some term can start anywhere). */
  readonly #needs = new Map<string, Needs | null>();
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
        this.#concepts.set(name, new RegExp(source, 'gu'));
        this.#needs.set(name, needsOf(terms));
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
    const texts = [normalised];
    const plain = stripAccents(normalised);
    if (plain !== normalised) texts.push(plain);
    const out: RuleMatch[] = [];
    for (const text of texts) {
      const at = wordIndex(text);
      const index = indexText(text);
      const hits = new Map<string, Hit[]>();
      const find = (concept: string): Hit[] => {
        let h = hits.get(concept);
        if (!h) {
          const re = this.#concepts.get(concept);
          h = re && mayMatch(this.#needs.get(concept) ?? null, index) ? [...text.matchAll(re)].map((m) => ({ start: at(m.index), end: at(m.index + Math.max(m[0].length - 1, 0)) })) : [];
          hits.set(concept, h);
        }
        return h;
      };
      for (const rule of this.#rules) {
        const found = fire(rule, find);
        if (found) out.push({ category: rule.category, level: rule.level, language: this.language, concepts: found.concepts, span: found.span });
      }
    }
    return out;
  }
}

/**
 * The first set of words, one hit per slot, that lies within the rule's window with no `unless` near it. Each
 * window start is tried once with the first combination found inside it: the cost stays linear in the words
 * even when a short term (an attached suffix in Ethiopic script) is found in every word.
 */
function fire(rule: CompiledRule, find: (c: string) => Hit[]): { concepts: string[]; span: [number, number] } | null {
  const options = rule.slots.map((alts) => {
    const seen = new Set<string>();
    return alts.flatMap((c) => find(c).map((h) => ({ c, h }))).filter((o) => {
      const key = `${o.h.start}:${o.h.end}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  });
  if (options.some((o) => o.length === 0)) return null;
  const unless = rule.unless.flatMap((c) => find(c));
  const reach = Math.max(rule.within, 12);
  const starts = [...new Set(options.flat().map((o) => o.h.start))].sort((a, b) => a - b);
  for (const lo of starts) {
    const inWindow = options.map((o) => o.filter((x) => x.h.start >= lo && x.h.end <= lo + rule.within));
    if (inWindow.some((w) => w.length === 0)) continue;
    const chosen: Array<{ c: string; h: Hit }> = [];
    // Two slots never share the same words ("cut" cannot be both the act and the body part).
    const pick = (i: number): boolean => {
      if (i === inWindow.length) return true;
      for (const o of inWindow[i]!) {
        if (chosen.some((x) => x.h.start === o.h.start && x.h.end === o.h.end)) continue;
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
    if (unless.some((u) => u.end >= from - reach && u.start <= to + reach)) continue;
    return { concepts: chosen.map((x) => x.c), span: [from, to] };
  }
  return null;
}
