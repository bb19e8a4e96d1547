/** @module Risk screening: runs on every message before anything else and is never delegated to a model. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { normaliseText } from '../intents/normalise-text.js';

const categoriesSchema = z.object({
  categories: z.array(z.object({ id: z.string().min(1), level: z.enum(['urgent', 'routine']), about: z.string().default('') })).min(1),
});

const languageSchema = z.object({
  language: z.string().min(2),
  patterns: z.record(z.string(), z.array(z.string()).nullable().transform((v) => v ?? [])),
  benign: z.array(z.string()).nullable().default([]).transform((v) => v ?? []),
});

export type RiskLevel = 'urgent' | 'routine';

export interface RiskFinding {
  level: RiskLevel;
  category: string;
  /** The language whose pattern matched (a hint for the reply language, never a reason to skip a finding). */
  language: string;
}

export interface RiskLexicon {
  categories: Array<{ id: string; level: RiskLevel }>;
  languages: Array<z.infer<typeof languageSchema>>;
}

type Script = 'latin' | 'arabic' | 'ethiopic';
const ARABIC = /\p{Script=Arabic}/u;
const ETHIOPIC = /\p{Script=Ethiopic}/u;
/** The script a pattern needs in the message; patterns in Latin letters (English, romanised) always run. */
const scriptOf = (source: string): Script => (ARABIC.test(source) ? 'arabic' : ETHIOPIC.test(source) ? 'ethiopic' : 'latin');

interface CompiledPattern {
  category: string;
  level: RiskLevel;
  language: string;
  regex: RegExp;
}

/** Reads intents/safety/: `_categories.yaml` and one `<language>.yaml` of phrases per language. */
export function loadRiskLexicon(dir: string): RiskLexicon {
  const categories = categoriesSchema.parse(parse(readFileSync(join(dir, '_categories.yaml'), 'utf8'))).categories;
  const languages = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
    .sort()
    .map((f) => {
      const parsed = languageSchema.safeParse(parse(readFileSync(join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`intents/safety/${f}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
      return parsed.data;
    });
  return { categories, languages };
}

/**
 * Compiled risk lexicon. Urgent wins over routine; a pattern's hit is dropped only when it lies wholly inside
 * a benign phrase ("the gym is killing me"), so one harmless phrase cannot hide a real risk elsewhere.
 * Every language's patterns run on every message: a risk is caught whatever language it is written in.
 */
export class RiskScreen {
  readonly #patterns: CompiledPattern[] = [];
  readonly #benign: RegExp[] = [];
  /**
   * One alternation per language and level: most messages show no risk, and one combined test per group
   * settles that in a fraction of the time of ~1,300 separate patterns. Only a group that matches is then
   * examined pattern by pattern (for the category and the benign check).
   */
  readonly #groups: Array<{ level: RiskLevel; script: Script; any: RegExp; patterns: CompiledPattern[] }> = [];

  constructor(lexicon: RiskLexicon) {
    const levels = new Map(lexicon.categories.map((c) => [c.id, c.level]));
    const problems: string[] = [];
    const compile = (src: string, where: string): RegExp | undefined => {
      try {
        return new RegExp(src, 'giu');
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
        return undefined;
      }
    };
    for (const lang of lexicon.languages) {
      for (const [category, list] of Object.entries(lang.patterns)) {
        const level = levels.get(category);
        if (!level) {
          problems.push(`${lang.language}.yaml: "${category}" is not a category in _categories.yaml`);
          continue;
        }
        for (const src of list) {
          const regex = compile(src, `${lang.language}/${category}`);
          if (regex) this.#patterns.push({ category, level, language: lang.language, regex });
        }
      }
      for (const src of lang.benign) {
        const regex = compile(src, `${lang.language}/benign`);
        if (regex) this.#benign.push(regex);
      }
    }
    // Urgent patterns first, so the first urgent hit can end the scan.
    this.#patterns.sort((a, b) => (a.level === b.level ? 0 : a.level === 'urgent' ? -1 : 1));
    if (problems.length > 0) throw new Error(`Risk patterns are not valid:\n  - ${problems.join('\n  - ')}`);
    // Grouped by level, language and the script a pattern is written in: a pattern in Arabic letters cannot
    // match a message with none, so most groups are skipped for most messages.
    const byGroup = new Map<string, CompiledPattern[]>();
    for (const p of this.#patterns) {
      const key = `${p.level}/${p.language}/${scriptOf(p.regex.source)}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), p]);
    }
    for (const patterns of byGroup.values()) {
      this.#groups.push({
        level: patterns[0]!.level, script: scriptOf(patterns[0]!.regex.source),
        any: new RegExp(patterns.map((p) => `(?:${p.regex.source})`).join('|'), 'iu'), patterns,
      });
    }
  }

  static fromDirectory(dir: string): RiskScreen {
    return new RiskScreen(loadRiskLexicon(dir));
  }

  /** The most serious finding in the text, or null when it shows no risk. */
  screen(text: string): RiskFinding | null {
    const t = ` ${normaliseText(text)} `;
    if (t.trim() === '') return null;
    let benignSpans: Array<[number, number]> | null = null;
    const isBenign = (start: number, end: number): boolean => {
      benignSpans ??= this.#benign.flatMap((b) => [...t.matchAll(b)].map((m): [number, number] => [m.index, m.index + m[0].length]));
      return benignSpans.some(([bs, be]) => bs <= start && end <= be);
    };
    const present = { latin: true, arabic: ARABIC.test(t), ethiopic: ETHIOPIC.test(t) };
    let routine: RiskFinding | null = null;
    for (const group of this.#groups) {
      if (routine && group.level === 'routine') break;
      if (!present[group.script] || !group.any.test(t)) continue;
      for (const p of group.patterns) {
        for (const m of t.matchAll(p.regex)) {
          if (isBenign(m.index, m.index + m[0].length)) continue;
          const finding = { level: p.level, category: p.category, language: p.language };
          if (p.level === 'urgent') return finding;
          routine ??= finding;
          break;
        }
      }
    }
    return routine;
  }
}
