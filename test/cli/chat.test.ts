/** `npm run cli -- chat`: a conversation in the terminal through the full pipeline. */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runNodeSync } from '../helpers/child-processes.js';

it('answers each line typed and keeps the conversation between lines', () => {
  const r = runNodeSync(['src/cli/main.ts', 'chat', '--from', '+447700900555'], {
    cwd: join(import.meta.dirname, '..', '..'),
    input: 'what can you do\n1\nMORE\n',
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('I can help with things like:');
  expect(r.stdout).toMatch(/\[topic \S+, handoff none, \d segments\]/);
  expect(r.stdout).toMatch(/\[more \S+, handoff none/);
});
