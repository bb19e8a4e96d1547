/**
 * The multilingual test set (test/fixtures/languages: 24 messages per curated language, written apart from the
 * examples) through `simulate`: answers come in the young person's language and find the right topic.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNodeSync } from '../helpers/child-processes.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'test', 'fixtures', 'languages');
const files = readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort();
interface Row { text: string; expect: { language: string; topic?: string | null; handoff: string } }

// One simulate run for every file: a fresh conversation per line (each line has its own sender).
const rows = files.flatMap((f) => readFileSync(join(DIR, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row));
const run = runNodeSync(['src/cli/main.ts', 'simulate'], {
  cwd: ROOT, input: rows.map((r) => JSON.stringify(r)).join('\n'), encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' },
});
const outs = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { language: string; topic: string | null; handoff: string });

/** Topics answered on the rewritten set (20 topic lines per language), as measured. */
const TOPIC_FLOOR: Record<string, number> = {
  am: 0.8, ar: 0.75, ckb: 0.85, en: 0.85, es: 0.95, fa: 0.9, fr: 0.95, kmr: 0.7, pl: 0.85,
  prs: 0.8, ps: 0.9, pt: 0.85, ro: 0.95, so: 0.85, sq: 0.9, ti: 0.85, ur: 0.85, vi: 0.95,
};

describe('every curated language', () => {
  it('answers every line', () => {
    expect(outs).toHaveLength(rows.length);
  });

  it.each(files.map((f) => f.replace('.jsonl', '')))('%s: replies in the young person\'s language and finds the topic', (code) => {
    const mine = rows.map((r, i) => [r, outs[i]!] as const).filter(([r]) => r.expect.language === code);
    const language = mine.filter(([r, o]) => o.language === r.expect.language).length / mine.length;
    const topical = mine.filter(([r]) => r.expect.topic !== undefined && r.expect.topic !== null);
    const topics = topical.filter(([r, o]) => o.topic === r.expect.topic).length / topical.length;
    // Floors one line under what was measured once no line was within one word of an example (language
    // 83-100%; topics 70-95%, where the lines that were near copies had given 82-100%).
    expect(language).toBeGreaterThanOrEqual(0.8);
    expect(topics).toBeGreaterThanOrEqual(TOPIC_FLOOR[code]! - 0.05);
    expect(mine.filter(([, o]) => o.handoff === 'urgent')).toEqual([]);
  });
});
