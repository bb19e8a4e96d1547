/** A turn that throws closes its message with an apology (or the safety reply) and never blocks the conversation. */
import { describe, expect, it } from 'vitest';
import { TopicReader } from '../../src/intents/read-topic.js';
import { converse } from '../../src/cli/local-service.js';
import { settle, sharedKnowledge, testService } from '../helpers/test-service.js';
import type { Knowledge } from '../../src/knowledge.js';
import { createService } from '../../src/service.js';

/** A topic reader with a bug: it throws on any message containing "boom". */
class BrokenReader extends TopicReader {
  override read(text: string) {
    if (text.includes('boom')) throw new Error('reader bug');
    return super.read(text);
  }
}

function brokenKnowledge(): Knowledge {
  const real = sharedKnowledge();
  const { matcher, model } = real.understander.topics;
  return { ...real, understander: { ...real.understander, topics: new BrokenReader(matcher, model, real.intents) } };
}

describe('a turn that throws', () => {
  it('apologises, records the failure, and the next message is answered normally', async () => {
    const base = testService();
    const service = { ...base, ...createService({ config: base.config, clock: base.clock, logger: base.logger, channel: base.channel, knowledge: brokenKnowledge() }) };
    base.db.close();
    try {
      const from = '+447700900401';
      const first = await converse(service, from, 'sms', 'boom');
      expect(first).toBeUndefined();
      await settle(service);
      const row = service.db.prepare(`SELECT status FROM messages WHERE direction = 'in'`).get() as { status: string };
      expect(row.status).toBe('failed');
      const sent = (service.channel as typeof base.fake)!.sent;
      expect(sent[0]!.body).toMatch(/something went wrong/i);

      const second = await converse(service, from, 'sms', 'do i have to pay council tax');
      expect(second?.decision.topic).toBe('council-tax');
      const conversationId = second!.conversationId;
      expect(service.events.forConversation(conversationId).map((e) => e.kind)).toContain('turn.failed');

      // Even when the turn fails, a message showing risk gets the safety reply and the urgent handoff.
      await converse(service, from, 'sms', 'boom i want to kill myself');
      await settle(service);
      expect(sent.filter((m) => m.to === from).at(-1)!.body).toContain('999');
      expect(service.conversations.get(conversationId)!.handoffLevel).toBe('urgent');
    } finally {
      await service.outbox.stop();
      service.db.close();
    }
  });
});
