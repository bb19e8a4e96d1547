/** A turn that throws closes its message with an apology (or the safety reply) and never blocks the conversation. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { IntentMatcher } from '../../src/intents/match-intent.js';
import { loadIntents } from '../../src/intents/load-intents.js';
import { SYSTEM_KEYS } from '../../src/content/catalogue.js';
import { converse } from '../../src/cli/local-service.js';
import { settle, sharedKnowledge, testService } from '../helpers/test-service.js';
import type { Knowledge } from '../../src/knowledge.js';
import { createService } from '../../src/service.js';

/** A matcher with a bug: it throws on any message containing "boom". */
class BrokenMatcher extends IntentMatcher {
  override match(text: string) {
    if (text.includes('boom')) throw new Error('matcher bug');
    return super.match(text);
  }
}

function brokenKnowledge(): Knowledge {
  const real = sharedKnowledge();
  const set = loadIntents(join(import.meta.dirname, '..', '..', 'intents'), new Set(real.catalogue.topics.keys()), new Set(SYSTEM_KEYS));
  return { ...real, understander: { ...real.understander, matcher: new BrokenMatcher(set) } };
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
