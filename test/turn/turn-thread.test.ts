import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleChange } from '../../src/handoff/live-updates.js';
import { readConfig } from '../../src/config.js';
import { systemClock } from '../../src/lib/clock.js';
import { createService, type Service } from '../../src/service.js';
import { TurnThread } from '../../src/turn/turn-thread.js';
import { sharedKnowledge, tempDbPath } from '../helpers/test-service.js';
import { waitFor } from '../helpers/wait-for.js';

const silent = pino({ level: 'silent' });
let running: Array<{ thread: TurnThread; service: Service }> = [];

/** The HTTP thread's half as main.ts builds it, and the turn thread beside it on the same database file. */
function start(databasePath = tempDbPath()) {
  const env = { DATABASE_PATH: databasePath, REPLY_CHANNEL: 'fake', FAKE_CHANNEL_FILE: join(dirname(databasePath), 'sent.jsonl'), LOG_LEVEL: 'silent' };
  const service: Service = createService({
    config: { ...readConfig(env), databasePath }, clock: systemClock, logger: silent, knowledge: sharedKnowledge(),
    collectProcessMetrics: false, outboxKick: () => thread.kick(),
  });
  const thread: TurnThread = new TurnThread({ logger: silent, live: service.live, env });
  running.push({ thread, service });
  const sent = () => (existsSync(env.FAKE_CHANNEL_FILE) ? readFileSync(env.FAKE_CHANNEL_FILE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; body: string }) : []);
  /** Stored on the HTTP thread, answered on the turn thread: as the webhook does it. */
  const text = async (from: string, body: string) => {
    const received = await service.runner.receive({ providerId: `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`, channel: 'sms', from, to: '+447700900000', text: body, media: [], receivedAt: new Date() });
    thread.process(received.conversationId);
    return received;
  };
  return { service, thread, sent, text, databasePath };
}

async function until<T>(what: () => T | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(async () => {
  for (const { thread, service } of running.splice(0)) {
    await thread.stop();
    service.db.close();
  }
});

describe('turns on their own thread', () => {
  it('answers a stored message and sends the reply from the thread', async () => {
    const { thread, text, sent } = start();
    expect(await thread.ready).toBe(true);
    await text('+447700901111', 'do i have to pay council tax');
    const reply = await until(() => sent().find((s) => s.to === '+447700901111'));
    expect(reply.body).toMatch(/council tax/i);
  });

  it('tells the console (live updates) and the metrics what happened on the thread', async () => {
    const { service, thread, text, sent } = start();
    await thread.ready;
    const changes: ConsoleChange[] = [];
    service.live.subscribe((c) => changes.push(c));
    const { conversationId } = await text('+447700902222', 'i want to kill myself');
    // The safety reply goes to the young person, and the duty PA's alert is sent too.
    await until(() => sent().find((s) => s.to === '+447700902222'));
    await until(() => changes.some((c) => c.conversationId === conversationId));
    // The thread answers when it can: asked until its figures arrive, as a scraper asks again, however busy the machine.
    const counted = (m: string) => /offerline_messages_in_total\{channel="sms"\} 1\b/.test(m) && /offerline_handoffs_total\{level="urgent"\} 1\b/.test(m);
    const metrics = await waitFor(async () => {
      const m = await thread.metricsText(service.metrics);
      return counted(m) && m;
    }, { what: "the turn thread's metrics" });
    expect(metrics).toMatch(/offerline_messages_in_total\{channel="sms"\} 1/);
    expect(metrics).toMatch(/offerline_handoffs_total\{level="urgent"\} 1/);
  });

  it('sends what the HTTP thread queues (a PA reply) and learns phrasings added from the dashboard', async () => {
    const { service, thread, text, sent } = start();
    await thread.ready;
    const { conversationId } = await text('+447700903333', 'hiya');
    await until(() => sent().some((s) => s.to === '+447700903333'));
    service.messages.queueReply({ conversationId, replyTo: null, seq: 0, body: 'PA here: I will ring you at 3', language: 'en', origin: 'pa', segments: 1, ignoreOptOut: false, at: new Date() });
    thread.kick();
    await until(() => sent().find((s) => s.body === 'PA here: I will ring you at 3'));

    thread.usePhrasings([{ intent: 'council-tax', text: 'zorblat quibbix' }]);
    await text('+447700904444', 'zorblat quibbix');
    const reply = await until(() => sent().find((s) => s.to === '+447700904444'));
    expect(reply.body).toMatch(/council tax/i);
  });

  it('a burst of 300 messages from 30 young people: every message answered once', async () => {
    const { service, thread, text, sent } = start();
    await thread.ready;
    const senders = Array.from({ length: 30 }, (_, i) => `+4477009${String(60_000 + i).padStart(5, '0')}`);
    await Promise.all(Array.from({ length: 300 }, (_, i) => text(senders[i % 30]!, i % 2 ? 'hiya' : 'do i have to pay council tax')));
    const unanswered = service.db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'in' AND status = 'received'`);
    await until(() => (unanswered.get() as { n: number }).n === 0);
    const replies = service.db.prepare(`SELECT COUNT(DISTINCT reply_to) AS answered, COUNT(*) AS queued FROM messages WHERE direction = 'out' AND reply_to IS NOT NULL`).get() as { answered: number; queued: number };
    expect(replies.answered).toBe(300);
    await until(() => sent().length >= replies.queued);
    expect(sent()).toHaveLength(replies.queued);
  });

  it('a message stored while the thread is stopped is answered when a thread starts again', async () => {
    const first = start();
    await first.thread.ready;
    await first.thread.stop();
    running = running.filter((r) => r.thread !== first.thread);
    await first.text('+447700905555', 'do i have to pay council tax'); // the thread is gone: stored only
    first.service.db.close();
    const again = start(first.databasePath);
    expect(await again.thread.ready).toBe(true);
    await until(() => again.sent().find((s) => s.to === '+447700905555'));
  });

  it('a thread that dies is reported and started again', async () => {
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    const service = createService({ config: { ...readConfig({}), databasePath: tempDbPath() }, clock: systemClock, logger: silent, knowledge: sharedKnowledge(), collectProcessMetrics: false });
    // A database the thread cannot open (its folder is a file): it fails as it starts, every time.
    const notAFolder = join(dirname(tempDbPath()), 'a-file');
    writeFileSync(notAFolder, '');
    const thread = new TurnThread({ logger, live: service.live, env: { DATABASE_PATH: join(notAFolder, 'cannot.db'), LOG_LEVEL: 'silent' }, restartDelayMs: 50 });
    running.push({ thread, service });
    expect(await thread.ready).toBe(false);
    await until(() => logged.filter((l) => l.includes('turn thread stopped; starting a new one')).length >= 2);
    expect(logged.join('')).toMatch(/turn thread failed/);
  });
});
