/** @module The web simulator: chat with the assistant as SMS or WhatsApp through the same pipeline as Twilio. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../lib/clock.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { MessageStore } from '../store/message-store.js';
import type { TurnRunner } from '../turn/handle-inbound.js';

const sendSchema = z.object({
  from: z.string().regex(/^\+[1-9]\d{6,14}$/, 'from must be a phone number like +447700900123'),
  channel: z.enum(['sms', 'whatsapp']).default('sms'),
  text: z.string().max(1600),
});

export function simulatorRoutes(d: {
  runner: TurnRunner;
  messages: MessageStore;
  conversations: ConversationStore;
  clock: Clock;
  publicDir: string;
}): Router {
  const router = Router();
  router.get('/', (_req, res) => res.sendFile(join(d.publicDir, 'simulator.html')));
  router.use('/simulator', express.static(d.publicDir, { index: false }));

  router.post('/simulator/api/messages', express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = sendSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: parsed.error.issues[0]!.message });
      return;
    }
    const { from, channel, text } = parsed.data;
    const received = await d.runner.receive({
      providerId: `SM${randomBytes(16).toString('hex')}`,
      channel, from, to: '+440000000000', text, media: [], receivedAt: d.clock.now(), simulated: true,
    });
    const outcomes = await d.runner.process(received.conversationId);
    const o = outcomes.find((x) => x.inboundId === received.messageId);
    // Another request may have run this turn first; the stored replies are the same either way.
    res.json(
      o
        ? { intent: o.decision.intent, topic: o.decision.topic, handoff: o.decision.handoff, language: o.language, replies: o.replies, segments: o.segments }
        : { replies: d.messages.repliesTo(received.messageId).map((r) => r.body) },
    );
  });

  router.get('/simulator/api/conversation', (req, res) => {
    const parsed = sendSchema.pick({ from: true, channel: true }).safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: parsed.error.issues[0]!.message });
      return;
    }
    const c = d.conversations.findOrCreate(parsed.data.channel, parsed.data.from, d.clock.now());
    res.json({
      mode: c.mode,
      handoff: c.handoffLevel,
      messages: d.messages.transcript(c.id).map((m) => ({ direction: m.direction, origin: m.origin, body: m.body, status: m.status })),
    });
  });
  return router;
}
