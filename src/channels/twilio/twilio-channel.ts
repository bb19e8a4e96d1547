/** @module Sends through Twilio's Messages REST API and turns its failures into SendErrors. */
import twilio from 'twilio';
import type { Channel, OutgoingMessage, SendResult } from '../channel.js';
import { SendError } from '../channel.js';
import type { ChannelKind } from '../../conversation/types.js';
import type { TwilioConfig } from '../../config.js';

/** Twilio error codes that will not succeed on a retry (https://www.twilio.com/docs/api/errors). */
const PERMANENT = new Set([
  21211, // invalid To
  21408, // region not enabled
  21610, // recipient replied STOP
  21612, // this To/From pair cannot be used
  21614, // To is not a mobile number
  63016, // WhatsApp free-form message outside the 24-hour window
  63024, // invalid WhatsApp recipient
]);

/** Rate limits and queue overflows clear with time. */
const RETRYABLE = new Set([20429, 30001, 63018]);

interface RestError {
  status?: number;
  code?: number;
  message?: string;
}

export function toSendError(err: unknown): SendError {
  const e = err as RestError;
  if (typeof e?.status !== 'number') {
    // No HTTP answer at all: a timeout or a broken connection. Twilio may or may not have the message; the
    // outbox sends again rather than lose it.
    return new SendError('network', true, 'no answer from Twilio');
  }
  const code = e.code ?? e.status;
  if (code === 21610) return new SendError('21610', false, 'recipient has opted out', true);
  if (PERMANENT.has(code)) return new SendError(String(code), false, e.message ?? 'rejected by Twilio');
  const retryable = RETRYABLE.has(code) || e.status === 429 || e.status >= 500;
  return new SendError(String(code), retryable, e.message ?? 'rejected by Twilio');
}

export interface TwilioChannelOptions {
  /** Tests with nock need keep-alive off (nock 14 hangs on keep-alive requests). */
  keepAlive?: boolean;
  timeoutMs?: number;
}

export class TwilioChannel implements Channel {
  readonly name = 'twilio';
  readonly #client: twilio.Twilio;
  readonly #config: TwilioConfig;

  constructor(config: TwilioConfig, options: TwilioChannelOptions = {}) {
    this.#config = config;
    const username = config.apiKey ?? config.accountSid;
    const password = config.apiSecret ?? config.authToken;
    this.#client = twilio(username, password, {
      accountSid: config.accountSid,
      keepAlive: options.keepAlive ?? true,
      timeout: options.timeoutMs ?? 15_000,
    });
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const whatsapp = message.channel === 'whatsapp';
    const sender = whatsapp
      ? this.#config.whatsappFrom
        ? { from: this.#config.whatsappFrom }
        : { messagingServiceSid: this.#config.messagingServiceSid }
      : this.#config.smsFrom
        ? { from: this.#config.smsFrom }
        : { messagingServiceSid: this.#config.messagingServiceSid };
    if (!sender.from && !sender.messagingServiceSid) {
      throw new SendError('no-sender', false, `no ${message.channel} sender is configured`);
    }
    try {
      // Outside WhatsApp's 24-hour window only an approved template may be sent, with no Body (else 63016).
      const content = message.template
        ? { contentSid: message.template.contentSid, contentVariables: JSON.stringify(message.template.variables) }
        : { body: message.body };
      const sent = await this.#client.messages.create({
        to: whatsapp ? `whatsapp:${message.to}` : message.to,
        statusCallback: `${this.#config.publicBaseUrl}/webhooks/twilio/status`,
        ...content,
        ...sender,
      });
      const segments = Number(sent.numSegments);
      return { providerId: sent.sid, status: sent.status, segments: Number.isFinite(segments) && segments > 0 ? segments : null };
    } catch (err) {
      throw toSendError(err);
    }
  }

  confirmsOptOut(channel: ChannelKind): boolean {
    return channel === 'sms' && this.#config.smsOptOutRepliesByTwilio;
  }
}
