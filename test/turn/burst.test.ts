import { afterEach, describe, expect, it } from 'vitest';
import type { Knowledge } from '../../src/knowledge.js';
import type { Service } from '../../src/service.js';
import { sharedKnowledge, testService } from '../helpers/test-service.js';

let services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) {
    await s.outbox.stop();
    s.db.close();
  }
});

/** The shared knowledge, with a count of how many messages the risk screen has read (every turn reads once). */
function countingKnowledge(): { knowledge: Knowledge; reads: () => number } {
  const k = sharedKnowledge();
  let reads = 0;
  const screen = Object.create(k.understander.screen) as typeof k.understander.screen;
  screen.read = (...args: Parameters<typeof screen.read>) => {
    reads++;
    return k.understander.screen.read(...args);
  };
  return { knowledge: { ...k, understander: { ...k.understander, screen } }, reads: () => reads };
}

const receive = (s: Service, from: string, text: string) =>
  s.runner.receive({ providerId: `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`, channel: 'sms', from, to: '+447700900000', text, media: [], receivedAt: new Date() });

const unanswered = (s: Service) => s.db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'in' AND status = 'received'`).get() as { n: number };

describe('a burst of messages', () => {
  it('from 200 young people at once: the first reply is committed after a few messages are read, not after all 200', async () => {
    const { knowledge, reads } = countingKnowledge();
    const s = testService({ knowledge });
    services.push(s);
    const received = [];
    for (let i = 0; i < 200; i++) received.push(await receive(s, `+4477009${String(40_000 + i).padStart(5, '0')}`, 'do i have to pay council tax'));

    let readWhenFirstAnswered = -1;
    const runs = received.map((r) => s.runner.process(r.conversationId));
    void runs[0]!.then(() => (readWhenFirstAnswered = reads()));
    const outcomes = (await Promise.all(runs)).flat();

    expect(readWhenFirstAnswered).toBeGreaterThan(0);
    expect(readWhenFirstAnswered).toBeLessThanOrEqual(16);
    expect(outcomes).toHaveLength(200);
    expect(outcomes.every((o) => o.decision.topic === 'council-tax')).toBe(true);
    expect(unanswered(s).n).toBe(0);
  });

  it('from one young person, each message announced on its own: every message answered once, in order', async () => {
    const s = testService();
    services.push(s);
    const from = '+447700941234';
    const texts = ['hiya', 'do i have to pay council tax', 'cn u help wiv my deposit'];
    const received = [];
    for (const t of texts) received.push(await receive(s, from, t));

    // Three notes for the same conversation arrive together, as they do from the HTTP thread under load.
    const results = await Promise.all(received.map((r) => s.runner.process(r.conversationId)));
    for (const outcomes of results) {
      expect(outcomes.map((o) => o.inboundId)).toEqual(received.map((r) => r.messageId));
    }
    const replies = s.db.prepare(`SELECT reply_to AS replyTo FROM messages WHERE direction = 'out' AND reply_to IS NOT NULL AND seq = 0 ORDER BY id`).all() as Array<{ replyTo: number }>;
    expect(replies.map((r) => r.replyTo)).toEqual(received.map((r) => r.messageId));
    expect(unanswered(s).n).toBe(0);
  });
});
