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

describe('every curated language', () => {
  it('answers every line', () => {
    expect(outs).toHaveLength(rows.length);
  });

  it.each(files.map((f) => f.replace('.jsonl', '')))('%s: replies in the young person\'s language and finds the topic', (code) => {
    const mine = rows.map((r, i) => [r, outs[i]!] as const).filter(([r]) => r.expect.language === code);
    const language = mine.filter(([r, o]) => o.language === r.expect.language).length / mine.length;
    const topical = mine.filter(([r]) => r.expect.topic !== undefined && r.expect.topic !== null);
    const topics = topical.filter(([r, o]) => o.topic === r.expect.topic).length / topical.length;
    // Floors a little under what was measured when this set was written (language 83-100%, topics 82-100%).
    expect(language).toBeGreaterThanOrEqual(0.8);
    expect(topics).toBeGreaterThanOrEqual(0.75);
    expect(mine.filter(([, o]) => o.handoff === 'urgent')).toEqual([]);
  });
});
