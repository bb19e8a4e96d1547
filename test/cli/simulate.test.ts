/** `npm run cli -- simulate` exactly as contract.md says, and the public sample as a regression floor. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNodeSync } from '../helpers/child-processes.js';

const ROOT = join(import.meta.dirname, '..', '..');
// A copy of ../shared/eval/sample.jsonl: a clone of the repository must pass with nothing beside it.
const SAMPLE = join(ROOT, 'test', 'fixtures', 'sample.jsonl');

function simulate(input: string, args: string[] = []): { lines: Array<Record<string, unknown>>; stdout: string; status: number | null } {
  const r = runNodeSync(['src/cli/main.ts', 'simulate', ...args], {
    cwd: ROOT, input, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' },
  });
  return { lines: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stdout: r.stdout, status: r.status };
}

interface SampleRow {
  text: string;
  expect: { language: string; topic?: string | null; handoff: string };
}

describe('simulate', () => {
  it('answers one JSON object per line, in order, with the contract fields, and only JSON on stdout', () => {
    const input = [
      { from: '+447700900001', text: 'do i have to pay council tax' },
      { from: '+447700900002', text: 'hiya', channel: 'whatsapp', extra: 'ignored' },
    ].map((l) => JSON.stringify(l)).join('\n');
    const { lines, status } = simulate(`${input}\n`);
    expect(status).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ intent: 'topic', topic: 'council-tax', language: 'en', handoff: 'none', reply: expect.stringMatching(/council tax/i), segments: expect.any(Number) });
    expect(lines[1]).toMatchObject({ intent: 'greeting', topic: null, handoff: 'none' });
  });

  it('continues a conversation across lines that share a sender: a menu, then a number from it', () => {
    const { lines } = simulate(
      [{ from: '+447700900003', text: 'what can you do' }, { from: '+447700900003', text: '1' }].map((l) => JSON.stringify(l)).join('\n'),
    );
    expect(lines[0]!['intent']).toBe('menu');
    expect(lines[1]).toMatchObject({ intent: 'topic', topic: expect.any(String) });
  });

  it('gives a malformed line an error and carries on', () => {
    const { lines, status } = simulate(['not json', JSON.stringify({ text: 'no sender' }), JSON.stringify({ from: '+447700900004', text: 'cheers' })].join('\n'));
    expect(status).toBe(0);
    expect(lines[0]).toEqual({ error: expect.any(String) });
    expect(lines[1]).toEqual({ error: expect.stringContaining('from') });
    expect(lines[2]).toMatchObject({ intent: 'thanks' });
  });

  it('counts SMS segments as Twilio bills them', () => {
    const { lines } = simulate(JSON.stringify({ from: '+447700900005', text: 'i want to end my life' }));
    const reply = lines[0]!['reply'] as string;
    expect(lines[0]!['segments']).toBe(reply.length <= 160 ? 1 : Math.ceil(reply.length / 153));
  });

  it('on the public sample: every urgent message urgent, none of the others, and at least 85% of topics right', () => {
    const rows = readFileSync(SAMPLE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SampleRow);
    const { lines } = simulate(rows.map((r) => JSON.stringify(r)).join('\n'));
    expect(lines).toHaveLength(rows.length);
    const urgent = rows.map((r, i) => [r, lines[i]!] as const).filter(([r]) => r.expect.handoff === 'urgent');
    const others = rows.map((r, i) => [r, lines[i]!] as const).filter(([r]) => r.expect.handoff !== 'urgent' && !r.expect.handoff.includes('urgent'));
    expect(urgent.filter(([, o]) => o['handoff'] !== 'urgent').map(([r]) => r.text)).toEqual([]);
    expect(others.filter(([, o]) => o['handoff'] === 'urgent').map(([r]) => r.text)).toEqual([]);
    const topics = rows.map((r, i) => [r, lines[i]!] as const).filter(([r]) => r.expect.language === 'en' && r.expect.topic !== undefined);
    const right = topics.filter(([r, o]) => o['topic'] === r.expect.topic).length;
    expect(right / topics.length).toBeGreaterThanOrEqual(0.85);
  });
});
