/** @module Risk screening: runs on every message before anything else and is never delegated to a model. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { normaliseText } from '../intents/normalise-text.js';
import { SAFETY_KINDS } from '../content/catalogue.js';
import { ConceptRules, conceptsSchema, ruleSchema, scriptOf, scriptsIn, type Script } from './concept-rules.js';

/**
 * urgent: risk to life or safety now. unsure: a possible risk signal that is not clear (a check-in and a person).
 * routine: needs a person today. distress: upset words only, which matter when nothing else is understood.
 * info: the risk words are used for study or information, which settles an unsure reading as none.
 */
export const RISK_LEVELS = ['urgent', 'unsure', 'routine', 'distress', 'info'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
/** The reply a finding gets: each kind of risk has its own safety reply in content/safety.yaml. */
const RISK_KINDS = [...SAFETY_KINDS, 'none'] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

const categoriesSchema = z.object({
  categories: z.array(z.object({
    id: z.string().min(1),
    level: z.enum(RISK_LEVELS),
    kind: z.enum(RISK_KINDS).default('none'),
    /** Names the self and an act (suicide, self-harm, overdose): no harmless phrase may cancel it. */
    firm: z.boolean().default(false),
    about: z.string().default(''),
  })).min(1),
});

const languageSchema = z.object({
  language: z.string().min(2),
  patterns: z.record(z.string(), z.array(z.string()).nullable().transform((v) => v ?? [])).default({}),
  concepts: conceptsSchema.default({}),
  rules: z.array(ruleSchema.extend({ level: z.enum(RISK_LEVELS).optional() })).nullable().default([]).transform((v) => v ?? []),
  benign: z.array(z.string()).nullable().default([]).transform((v) => v ?? []),
});

const sharedSchema = z.object({
  /** Emoji read as words before normalising ("💊" → "xpill"), so rules can use them. */
  emoji: z.record(z.string(), z.string().regex(/^x[a-z]+$/)).default({}),
  concepts: conceptsSchema.default({}),
});

export interface RiskFinding {
  level: RiskLevel;
  category: string;
  kind: RiskKind;
  /** The language whose phrase or rule matched: the reply language when the detector is unsure. */
  language: string;
  /** The concepts that fired (empty for a fixed phrase), for `explain` and the console. */
  concepts: string[];
}

type Category = z.infer<typeof categoriesSchema>['categories'][number];

export interface RiskLexicon {
  categories: Category[];
  languages: Array<z.infer<typeof languageSchema>>;
  shared: z.infer<typeof sharedSchema>;
}

interface CompiledPattern {
  category: Category;
  language: string;
  regex: RegExp;
}

/** Reads intents/safety/: `_categories.yaml`, `_shared.yaml` and one `<language>.yaml` per language. */
export function loadRiskLexicon(dir: string): RiskLexicon {
  const categories = categoriesSchema.parse(parse(readFileSync(join(dir, '_categories.yaml'), 'utf8'))).categories;
  const shared = sharedSchema.parse(parse(readFileSync(join(dir, '_shared.yaml'), 'utf8')));
  const languages = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
    .sort()
    .map((f) => {
      const parsed = languageSchema.safeParse(parse(readFileSync(join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`intents/safety/${f}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
      return parsed.data;
    });
  return { categories, languages, shared };
}

const RANK: Record<RiskLevel, number> = { urgent: 4, unsure: 3, routine: 2, distress: 1, info: 0 };

/** The more serious of two findings (the first when equal). */
export function moreSerious(a: RiskFinding | null, b: RiskFinding | null): RiskFinding | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[b.level] > RANK[a.level] ? b : a;
}

/**
 * Compiled risk lexicon: fixed phrases and concept rules, in every language, on every message (a risk is caught
 * whatever language it is written in). A harmless phrase ("the gym is killing me") drops a hit lying wholly
 * inside it, except in a firm category: nothing harmless cancels a finding that names the self and an act.
 * Study or information wording ("for my essay on county lines") settles only unsure and distress readings.
 */
export class RiskScreen {
  readonly #categories = new Map<string, Category>();
  readonly #benign: RegExp[] = [];
  readonly #emoji: RegExp | null;
  readonly #emojiWords: ReadonlyMap<string, string>;
  readonly #rules: ConceptRules[] = [];
  /** One alternation per language and script: most messages show no risk, and one test settles that. */
  readonly #groups: Array<{ script: Script; any: RegExp; patterns: CompiledPattern[] }> = [];
  /**
   * Languages written in another script (Arabic, Ethiopic): their Latin-letter terms are romanised forms
   * (Arabizi, Amharic typed in Latin letters), which the detector often takes for English or Kurmanji.
   */
  readonly #romanisedOnly = new Set<string>();

  constructor(lexicon: RiskLexicon) {
    for (const c of lexicon.categories) this.#categories.set(c.id, c);
    const problems: string[] = [];
    const compile = (src: string, where: string): RegExp | undefined => {
      try {
        return new RegExp(src, 'gu');
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const patterns: CompiledPattern[] = [];
    for (const lang of lexicon.languages) {
      const terms = Object.values(lang.concepts).flat();
      // A fifth: Arabic and Urdu hold as many romanised terms (Arabizi, Roman Urdu) as terms in their own script.
      if (terms.filter((t) => scriptOf(t) !== 'latin').length * 5 > terms.length) this.#romanisedOnly.add(lang.language);
      for (const [id, list] of Object.entries(lang.patterns)) {
        const category = this.#categories.get(id);
        if (!category) {
          problems.push(`${lang.language}.yaml: "${id}" is not a category in _categories.yaml`);
          continue;
        }
        for (const src of list) {
          const regex = compile(src, `${lang.language}/${id}`);
          if (regex) patterns.push({ category, language: lang.language, regex });
        }
      }
      for (const src of lang.benign) {
        const regex = compile(src, `${lang.language}/benign`);
        if (regex) this.#benign.push(regex);
      }
      for (const r of lang.rules) if (!this.#categories.has(r.category)) problems.push(`${lang.language}.yaml: rule category "${r.category}" is not in _categories.yaml`);
      if (lang.rules.length > 0) {
        const rules = lang.rules.map((r) => ({ ...r, level: r.level ?? this.#categories.get(r.category)?.level ?? 'urgent' }));
        try {
          // Each concept is tried only on a message holding its terms' script (ConceptRules sees to that), so
          // romanised terms (Arabizi, Finglish, Roman Urdu) work beside Arabic-script ones.
          this.#rules.push(new ConceptRules({ language: lang.language, concepts: lang.concepts, rules }, lexicon.shared.concepts));
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
    }
    if (problems.length > 0) throw new Error(`Risk patterns are not valid:\n  - ${problems.join('\n  - ')}`);
    const byGroup = new Map<string, CompiledPattern[]>();
    for (const p of patterns) {
      const key = `${p.language}/${scriptOf(p.regex.source)}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), p]);
    }
    for (const group of byGroup.values()) {
      this.#groups.push({ script: scriptOf(group[0]!.regex.source), any: new RegExp(group.map((p) => `(?:${p.regex.source})`).join('|'), 'u'), patterns: group });
    }
    this.#emojiWords = new Map(Object.entries(lexicon.shared.emoji).map(([e, w]) => [e.replace(/\uFE0F/g, ''), w]));
    const keys = [...this.#emojiWords.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.#emoji = keys.length > 0 ? new RegExp(keys.join('|'), 'gu') : null;
  }

  static fromDirectory(dir: string): RiskScreen {
    return new RiskScreen(loadRiskLexicon(dir));
  }

  /** Emoji as words, then the shared normalisation (lower case, no punctuation). */
  prepare(text: string): string {
    const withEmoji = this.#emoji ? text.replace(this.#emoji, (e) => ` ${this.#emojiWords.get(e)} `) : text;
    return normaliseText(withEmoji);
  }

  /**
   * The most serious finding in the text, or null when it shows no risk. Between findings as serious, one in
   * `prefer` (the language the message seems to be written in) wins, then English: it decides the reply language.
   * Every group is read, since a later language or rule may find something as serious but more specific.
   * `only` reads one language's phrases and rules (an English rewording of the message needs English only).
   * `writtenIn` is the Latin-script language the message is confidently written in: words of one Latin-script
   * language can be ordinary words of another ("me" is Albanian for "with"), so another Latin-script language's
   * urgent finding (English excepted: young people mix it into every language) counts as unsure, which study or
   * information wording then settles like any other unsure reading.
   */
  screen(text: string, prefer: string | null = null, only?: string, writtenIn?: string): RiskFinding | null {
    return this.read(text, prefer, only, writtenIn).finding;
  }

  /**
   * As `screen`, and whether the lexicon read risk words in the message as harmless (a known idiom, study or
   * information wording, a rule's stopping concept such as a joke or an accident): a reading the rules have
   * settled, which the risk model must not reopen.
   */
  read(text: string, prefer: string | null = null, only?: string, writtenIn?: string): { finding: RiskFinding | null; settled: boolean } {
    const t = ` ${this.prepare(text)} `;
    if (t.trim() === '') return { finding: null, settled: false };
    let settled = false;
    let benignSpans: Array<[number, number]> | null = null;
    const isBenign = (start: number, end: number): boolean => {
      benignSpans ??= this.#benign.flatMap((b) => [...t.matchAll(b)].map((m): [number, number] => [m.index, m.index + m[0].length]));
      return benignSpans.some(([bs, be]) => bs <= start && end <= be);
    };
    const present = scriptsIn(t);
    let best = null as RiskFinding | null;
    let info = false;
    const consider = (category: Category, language: string, concepts: string[]): void => {
      if (category.level === 'info') {
        info = true;
        return;
      }
      // A language written in another script is exempt: its Latin-letter terms are romanised forms, not
      // ordinary words of a Latin-script language, and the detector's confidence in such a message means little.
      const foreign = writtenIn !== undefined && language !== writtenIn && language !== 'en' && !this.#romanisedOnly.has(language) && category.level === 'urgent';
      const found: RiskFinding = { level: foreign ? 'unsure' : category.level, category: category.id, kind: category.kind, language, concepts };
      // A more specific kind of reply (domestic abuse rather than general danger) wins a tie.
      const weight = (f: RiskFinding): number =>
        RANK[f.level] * 8 + (f.language === prefer ? 4 : f.language === 'en' ? 2 : 0) + (f.kind === 'danger' ? 0 : 1);
      if (best === null || weight(found) > weight(best)) best = found;
    };
    for (const group of this.#groups) {
      if (only && group.patterns[0]!.language !== only) continue;
      if (!present.has(group.script) || !group.any.test(t)) continue;
      for (const p of group.patterns) {
        if (best !== null && RANK[best.level] > RANK[p.category.level]) continue;
        for (const m of t.matchAll(p.regex)) {
          if (!p.category.firm && isBenign(m.index, m.index + m[0].length)) {
            settled = true;
            continue;
          }
          consider(p.category, p.language, []);
          break;
        }
      }
    }
    const trimmed = t.trim();
    // Word positions in the trimmed text, turned into character offsets of `t` for the harmless-phrase check.
    let words: Array<[number, number]> | null = null;
    const charSpan = (span: [number, number]): [number, number] => {
      words ??= [...t.matchAll(/\S+/g)].map((m): [number, number] => [m.index, m.index + m[0].length]);
      return [words[span[0]]?.[0] ?? 0, words[span[1]]?.[1] ?? t.length];
    };
    for (const rules of this.#rules) {
      if (only && rules.language !== only) continue;
      const { matches, stopped } = rules.read(trimmed);
      if (stopped) settled = true;
      for (const m of matches) {
        const category = this.#categories.get(m.category)!;
        const level = m.level as RiskLevel;
        if (!category.firm && isBenign(...charSpan(m.span))) {
          settled = true;
          continue;
        }
        consider({ ...category, level }, m.language, m.concepts);
      }
    }
    const found: RiskFinding | null = best;
    // Study or information wording settles a reading that was only unsure (or only upset words).
    if (found && info && (found.level === 'unsure' || found.level === 'distress')) return { finding: null, settled: true };
    return { finding: found, settled: settled || info };
  }
}

