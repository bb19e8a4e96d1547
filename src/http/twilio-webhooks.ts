/** @module POST /webhooks/twilio/messages and /webhooks/twilio/status: check, parse, store, acknowledge. */
import express, { type Request, type Response, Router } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import { rateLimit } from 'express-rate-limit';
import { parseInbound } from '../channels/twilio/parse-inbound.js';
import { verifyTwilioSignature } from '../channels/twilio/verify-signature.js';
import type { TwilioConfig } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { EventStore } from '../store/event-store.js';
import type { MessageStore } from '../store/message-store.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { Received } from '../turn/handle-inbound.js';
import type { InboundMessage } from '../conversation/types.js';

export interface TwilioWebhookDeps {
  twilio?: TwilioConfig;
  disabledReason?: string;
  /** Stores the message (resolves once committed) and has it answered. */
  accept: (m: InboundMessage) => Promise<Received>;
  /** Group commits on this thread's connection, for status callbacks. */
  writes: GroupCommit;
  messages: MessageStore;
  conversations: ConversationStore;
  events: EventStore;
  clock: Clock;
  logger: Logger;
  /** Whether a text shows risk: such a message is never rate-limited. */
  showsRisk: (text: string) => boolean;
  /** Most messages one sender may send a minute before the rest are refused (429). */
  perSenderPerMinute: number;
}

const EMPTY_TWIML = new twilio.twiml.MessagingResponse().toString();

const statusForm = z.looseObject({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/),
  MessageStatus: z.string().min(1).max(40),
  ErrorCode: z.string().regex(/^\d{1,6}$/).optional().or(z.literal('')),
});

/** The same few bytes every time: written as they are, without the ETag that res.send would work out for them. */
function ack(res: Response): void {
  res.status(200).type('text/xml').end(EMPTY_TWIML);
}

export function twilioWebhookRoutes(d: TwilioWebhookDeps): Router {
  const router = Router();
  // Twilio posts forms; 64 kB is far above any real message (1,600 characters plus media fields).
  router.use('/webhooks/twilio', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 500 }));

  /** Refuses before anything is read or stored: unconfigured (503), then unsigned or forged (403). */
  function guard(req: Request, res: Response): boolean {
    if (!d.twilio) {
      res.status(503).type('text/plain').send(d.disabledReason ?? 'Twilio is not configured');
      return false;
    }
    const form = (req.body ?? {}) as Record<string, unknown>;
    const valid = verifyTwilioSignature({
      authToken: d.twilio.authToken,
      publicBaseUrl: d.twilio.publicBaseUrl,
      originalUrl: req.originalUrl,
      signature: req.get('x-twilio-signature'),
      params: form,
    });
    if (!valid) {
      d.logger.warn({ path: req.path, signed: req.get('x-twilio-signature') !== undefined }, 'twilio webhook: signature check failed');
      res.status(403).type('text/plain').send('Twilio signature check failed');
      return false;
    }
    return true;
  }

  // A flood from one number (a stuck phone, a loop between bots) is refused after the limit; Twilio reports the
  // 429. A message showing risk is never refused, whatever the count.
  const perSender = rateLimit({
    windowMs: 60_000,
    limit: d.perSenderPerMinute,
    // Twilio reads only the status, so no RateLimit headers: every message would pay for writing them.
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req) => `sender:${String((req.body as Record<string, unknown> | undefined)?.['From'] ?? 'unknown')}`,
    // Screened only once a sender is over the limit, so the common path never pays for the risk screen.
    handler: (req, res, next) => {
      if (d.showsRisk(String((req.body as Record<string, unknown> | undefined)?.['Body'] ?? ''))) return next();
      d.logger.warn('twilio webhook: sender over the rate limit');
      res.status(429).type('text/plain').send('Too many messages from this sender; try again in a minute');
    },
  });

  router.post('/webhooks/twilio/messages', (req, res, next) => (guard(req, res) ? perSender(req, res, next) : undefined), async (req, res) => {
    const parsed = parseInbound((req.body ?? {}) as Record<string, unknown>, d.clock.now());
    if (!parsed.ok) {
      // Signed, so it came from Twilio, but with no sender nobody can be answered: said loudly when it shows risk.
      const risk = d.showsRisk(String((req.body as Record<string, unknown> | undefined)?.['Body'] ?? ''));
      d.logger[risk ? 'error' : 'warn']({ reason: parsed.reason, showsRisk: risk }, 'twilio webhook: signed message with no sender to answer');
      res.status(400).type('text/plain').send(`Bad request: ${parsed.reason}`);
      return;
    }
    const received = await d.accept(parsed.message);
    const ids = { messageSid: parsed.message.providerId, conversationId: received.conversationId };
    if (received.duplicate) {
      d.logger.info(ids, 'twilio webhook: duplicate delivery, already stored');
    } else {
      d.logger.info({ ...ids, channel: parsed.message.channel, media: parsed.message.media.length }, 'twilio webhook: message stored');
    }
    ack(res);
  });

  router.post('/webhooks/twilio/status', async (req, res) => {
    if (!guard(req, res)) return;
    const parsed = statusForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).type('text/plain').send('Bad request: MessageSid and MessageStatus are required');
      return;
    }
    const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
    const now = d.clock.now();
    const code = ErrorCode ? ErrorCode : null;
    // Callbacks come as often as messages (sent, delivered...): they share group commits, like stored messages.
    const row = await d.writes.run(() => {
      const r = d.messages.applyStatus(MessageSid, MessageStatus, code, now);
      if (r && code === '21610') {
        d.conversations.markOptedOut(r.conversationId, now);
        d.events.append({ conversationId: r.conversationId, messageId: r.id, kind: 'send.refused', detail: { code, reason: 'recipient opted out' }, at: now });
      }
      return r;
    });
    const log = d.logger.child({ messageSid: MessageSid, conversationId: row?.conversationId });
    if (!row) log.info({ status: MessageStatus }, 'status callback for a message we did not send');
    else log.info({ status: MessageStatus, errorCode: code }, 'status callback');
    ack(res);
  });
  return router;
}
