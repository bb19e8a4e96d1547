/** Scripted conversations (test/fixtures/conversations/*.yaml) run through the whole pipeline turn by turn. */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { TWILIO_ENV, settle, testService } from '../helpers/test-service.js';
import { FakeChannel } from '../../src/channels/fake-channel.js';
import type { Channel } from '../../src/channels/channel.js';
import { FixedClock } from '../../src/lib/clock.js';

interface Script {
  name: string;
  channel: 'sms' | 'whatsapp';
  twilio?: boolean;
  /** Fixes the clock (office hours); otherwise real time. */
  now?: string;
  turns: Array<{
    send: string;
    media?: number;
    expect: {
      intent?: string; topic?: string; handoff?: string; reply?: string; replyAll?: string[]; replyNone?: string[]; replies?: number; language?: string; optedOut?: boolean;
      mode?: string; level?: string; topicFromMenu?: number; replySameTopic?: boolean; sentEvenIfOptedOut?: boolean;
    };
  }>;
}

/** A fake channel that behaves like Twilio on SMS: it confirms STOP and START itself. */
class CarrierLikeChannel extends FakeChannel implements Channel {
  override confirmsOptOut(channel?: 'sms' | 'whatsapp'): boolean {
    return channel === 'sms';
  }
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'conversations');
const scripts = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as Script] as const);

describe.each(scripts)('%s', (_file, script) => {
  it(script.name, async () => {
    const channel = script.twilio ? new CarrierLikeChannel() : new FakeChannel();
    const clock = script.now ? new FixedClock(script.now) : undefined;
    const service = testService({ env: script.twilio ? TWILIO_ENV : {}, channel, ...(clock ? { clock } : {}) });
    const from = `+4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
    let lastTopic: string | null = null;
    try {
      for (const [i, turn] of script.turns.entries()) {
        const where = `turn ${i + 1} (${JSON.stringify(turn.send)})`;
        const received = await service.runner.receive({
          providerId: `SM${randomBytes(16).toString('hex')}`, channel: script.channel, from, to: '+447700900000',
          text: turn.send, media: Array.from({ length: turn.media ?? 0 }, () => ({ url: 'https://example.org/m.jpg', contentType: 'image/jpeg' })),
          receivedAt: service.clock.now(),
        });
        const sentBefore = channel.sent.length;
        const [o] = await service.runner.process(received.conversationId);
        await settle(service);
        expect(o, where).toBeDefined();
        const e = turn.expect;
        const reply = o!.replies.join('\n\n');
        const conversation = service.conversations.get(o!.conversationId)!;
        if (e.intent) expect(o!.decision.intent, where).toBe(e.intent);
        if (e.language) expect(o!.language, where).toBe(e.language);
        if (e.topic) expect(o!.decision.topic, where).toBe(e.topic);
        if (e.handoff) expect(o!.decision.handoff, where).toBe(e.handoff);
        if (e.reply) expect(reply, where).toContain(e.reply);
        for (const part of e.replyAll ?? []) expect(reply.toLowerCase(), where).toContain(part.toLowerCase());
        for (const part of e.replyNone ?? []) expect(reply.toLowerCase(), where).not.toContain(part.toLowerCase());
        if (e.replies !== undefined) {
          expect(o!.replies, where).toHaveLength(e.replies);
          expect(channel.sent.length - sentBefore, `${where}: sent`).toBe(e.replies);
        }
        if (e.optedOut !== undefined) expect(conversation.optedOut, where).toBe(e.optedOut);
        if (e.mode) expect(conversation.mode, where).toBe(e.mode);
        if (e.level) expect(conversation.handoffLevel, where).toBe(e.level);
        if (e.topicFromMenu) expect(o!.decision.topic, where).toBe(service.knowledge.catalogue.menus.main[e.topicFromMenu - 1]);
        if (e.replySameTopic) {
          expect(o!.decision.topic, where).toBe(lastTopic);
          expect(reply, where).toBe(service.knowledge.catalogue.topics.get(lastTopic!)!.more.trim().replace(/\{\{(\w+)\}\}/g, (_, k: string) => service.knowledge.catalogue.contacts[k]!));
        }
        if (e.sentEvenIfOptedOut) {
          expect(conversation.optedOut, where).toBe(true);
          expect(channel.sent.slice(sentBefore).map((s) => s.body).join('\n'), where).toContain('999');
        }
        lastTopic = o!.decision.topic ?? lastTopic;
      }
    } finally {
      await service.outbox.stop();
      service.db.close();
    }
  });
});
