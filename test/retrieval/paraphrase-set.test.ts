/** The paraphrase set (110 messages the intents' examples do not cover) through `simulate`: few wrong answers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runNodeSync } from '../helpers/child-processes.js';

const ROOT = join(import.meta.dirname, '..', '..');

it('answers wrongly under 3% of messages it was not written for (a menu or "can\'t help" is not wrong)', () => {
  const input = readFileSync(join(ROOT, 'test', 'fixtures', 'paraphrases.jsonl'), 'utf8');
  const rows = input.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { expect: { topic: string | null } });
  const r = runNodeSync(['src/cli/main.ts', 'simulate'], { cwd: ROOT, input, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  const outs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { topic: string | null; handoff: string });
  expect(outs).toHaveLength(rows.length);
  const wrong = outs.filter((o, i) => o.topic !== null && o.topic !== rows[i]!.expect.topic).length;
  expect(wrong / rows.length).toBeLessThan(0.03);
  expect(outs.filter((o) => o.handoff === 'urgent')).toEqual([]);
});
