/** @module Risk screening: runs on every message before anything else and is never delegated to a model. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { normaliseText } from '../intents/normalise-text.js';

const riskSchema = z.object({
  categories: z
    .array(
      z.object({
        id: z.string().min(1),
        level: z.enum(['urgent', 'routine']),
        patterns: z.record(z.string(), z.array(z.string()).default([])),
      }),
    )
    .min(1),
  benign: z.record(z.string(), z.array(z.string()).default([])).default({}),
});

export interface RiskFinding {
  level: 'urgent' | 'routine';
  category: string;
  /** The language whose pattern matched (a hint for the reply language, never a reason to skip a finding). */
  language: string;
}

interface CompiledPattern {
  category: string;
  level: 'urgent' | 'routine';
  language: string;
  regex: RegExp;
}

/**
 * Compiled risk lexicon. Urgent wins over routine; a pattern's hit is dropped only when it lies wholly inside
 * a benign phrase ("the gym is killing me"), so one harmless phrase cannot hide a real risk elsewhere.
 */
export class RiskScreen {
  readonly #patterns: CompiledPattern[] = [];
  readonly #benign: RegExp[] = [];

  constructor(source: unknown) {
    const parsed = riskSchema.parse(source);
    const problems: string[] = [];
    const compile = (src: string, where: string): RegExp | undefined => {
      try {
        return new RegExp(src, 'giu');
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
        return undefined;
      }
    };
    for (const c of parsed.categories) {
      for (const [language, list] of Object.entries(c.patterns)) {
        for (const src of list) {
          const regex = compile(src, `${c.id}/${language}`);
          if (regex) this.#patterns.push({ category: c.id, level: c.level, language, regex });
        }
      }
    }
    for (const [language, list] of Object.entries(parsed.benign)) {
      for (const src of list) {
        const regex = compile(src, `benign/${language}`);
        if (regex) this.#benign.push(regex);
      }
    }
    if (problems.length > 0) throw new Error(`Risk patterns do not compile:\n  - ${problems.join('\n  - ')}`);
  }

  static fromFile(path: string): RiskScreen {
    return new RiskScreen(parse(readFileSync(path, 'utf8')));
  }

  /** The most serious finding in the text, or null when it shows no risk. */
  screen(text: string): RiskFinding | null {
    const t = ` ${normaliseText(text)} `;
    if (t.trim() === '') return null;
    const benignSpans: Array<[number, number]> = [];
    for (const b of this.#benign) {
      for (const m of t.matchAll(b)) benignSpans.push([m.index, m.index + m[0].length]);
    }
    let routine: RiskFinding | null = null;
    for (const p of this.#patterns) {
      for (const m of t.matchAll(p.regex)) {
        const start = m.index;
        const end = start + m[0].length;
        if (benignSpans.some(([bs, be]) => bs <= start && end <= be)) continue;
        const finding = { level: p.level, category: p.category, language: p.language };
        if (p.level === 'urgent') return finding;
        routine ??= finding;
        break;
      }
    }
    return routine;
  }
}
