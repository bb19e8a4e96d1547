import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { InlineReader } from '../../src/conversation/reader.js';
import { ThreadReader } from '../../src/conversation/thread-reader.js';
import { loadKnowledge } from '../../src/knowledge.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
/** English questions, risk messages in every language, and every language's held-out messages. */
const messages = [
  ...lines(join(fixtures, 'english-holdout.jsonl')).slice(0, 40),
  ...readdirSync(join(fixtures, 'risk')).flatMap((f) => lines(join(fixtures, 'risk', f)).slice(0, 3)),
  ...readdirSync(join(fixtures, 'languages')).flatMap((f) => lines(join(fixtures, 'languages', f)).slice(0, 3)),
  'CARD21', 'got ur card', '3', 'STOP', '', '😀👍',
];

const silent = pino({ level: 'silent' });
const open: ThreadReader[] = [];
function threadReader(options: Partial<ConstructorParameters<typeof ThreadReader>[0]> = {}) {
  const k = loadKnowledge();
  const reader = new ThreadReader({ cardKeyword: 'card21', phrasings: [], fallback: new InlineReader(k.understander, k.intents), logger: silent, ...options });
  open.push(reader);
  return { reader, inline: new InlineReader(loadKnowledge().understander, k.intents) };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

describe('reading on the understanding thread', () => {
  it('reads every message exactly as the calling thread would: risk, language, intent, commands', async () => {
    const { reader, inline } = threadReader();
    expect(await reader.ready).toBe(true);
    const onThread = await Promise.all(messages.map((m) => reader.read(m, 0, null)));
    const here = await Promise.all(messages.map((m) => inline.read(m, 0, null)));
    expect(onThread).toEqual(here);
    // The set is not trivial: risk is found on the thread in many languages.
    expect(onThread.filter((u) => u.risk?.level === 'urgent').length).toBeGreaterThan(20);
  });

  it('learns a phrasing added from the dashboard', async () => {
    const { reader } = threadReader();
    const phrase = 'zorblat quibbix';
    expect((await reader.read(phrase, 0, null)).match.verdict).toBe('none');
    reader.usePhrasings([{ intent: 'council-tax', text: phrase }]);
    const after = await reader.read(phrase, 0, null);
    expect(after.match.ranked[0]?.intent).toBe('council-tax');
    expect(after.match.verdict).toBe('confident');
  });

  it('a thread that stops answering is replaced, and what it held is read here: no message is left unread', async () => {
    // A thread that takes longer than stallMs to answer counts as hung.
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    const { reader, inline } = threadReader({ stallMs: 5, restartDelayMs: 50, logger });
    await reader.ready;
    const long = 'i want to die '.repeat(700); // about 10,000 characters: slow enough to trip a 5 ms watchdog
    const u = await reader.read(long, 0, null);
    expect(u).toEqual(await inline.read(long, 0, null));
    expect(u.risk?.level).toBe('urgent');
    expect(logged.join('')).toMatch(/answered nothing for too long/);
    expect(logged.join('')).toMatch(/reading here until it starts again/);
    // A new thread starts on a later read.
    await new Promise((r) => setTimeout(r, 60));
    void reader.read('hello', 0, null);
    expect(await reader.ready).toBe(true);
  });
});
