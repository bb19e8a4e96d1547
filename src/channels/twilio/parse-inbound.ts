/** @module Turns a Twilio "message comes in" form into an InboundMessage; channel quirks are handled here only. */
import { createHash } from 'node:crypto';
import type { ChannelKind, InboundMessage, Media } from '../../conversation/types.js';

/** Twilio caps media at 10 a message; anything claiming more is read no further than this. */
const MAX_MEDIA = 10;

const CONTROL = /[\u0000-\u001F\u007F]/g;
/** Control characters other than tab and newline: never meaningful in a text, and they upset terminals. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

export type ParseResult = { ok: true; message: InboundMessage } | { ok: false; reason: string };

/*
 * Only signed forms reach this, so everything in one came from Twilio. A 400 is never retried and loses the
 * message, so nothing is required but a sender to answer: a missing or unexpected MessageSid, To, Body or NumMedia
 * is read as best it can be, and fields Twilio adds without notice are ignored.
 */

/** One field as a string; a repeated field (the form parser gives an array) counts as its first value. */
function field(form: Record<string, unknown>, name: string): string | undefined {
  const v = form[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.find((x): x is string => typeof x === 'string');
  return undefined;
}

/**
 * A sender or recipient as it is kept: a phone number in E.164; anything else exactly as Twilio sent it, such as a
 * WhatsApp user who hides their number behind a business-scoped user id (whatsapp:US.13491208655302741918), which
 * is answered by sending to that same id.
 */
function readAddress(raw: string): { channel: ChannelKind; address: string } {
  const clean = raw.replace(CONTROL, '').trim();
  const whatsapp = /^whatsapp:/i.test(clean);
  const bare = (whatsapp ? clean.slice('whatsapp:'.length) : clean).trim();
  // Some senders' numbers come without the plus.
  return { channel: whatsapp ? 'whatsapp' : 'sms', address: /^[1-9]\d{6,14}$/.test(bare) ? `+${bare}` : bare };
}

/**
 * Twilio's MessageSid makes a retried delivery a no-op. Without a usable one, the same signed form delivered
 * again has the same digest, so a retry is still stored once.
 */
function providerId(form: Record<string, unknown>): string {
  for (const name of ['MessageSid', 'SmsMessageSid', 'SmsSid']) {
    const sid = field(form, name)?.replace(CONTROL, '').trim();
    if (sid) return sid;
  }
  const entries = Object.keys(form).sort().map((k) => [k, form[k]]);
  return `form-${createHash('sha256').update(JSON.stringify(entries)).digest('hex')}`;
}

export function parseInbound(form: Record<string, unknown>, receivedAt: Date): ParseResult {
  const from = readAddress(field(form, 'From') ?? '');
  if (from.address === '') return { ok: false, reason: 'From: no sender to answer' };
  const media: Media[] = [];
  // NumMedia is not trusted to be a number: the media fields themselves say what came.
  for (let i = 0; i < MAX_MEDIA; i++) {
    const url = field(form, `MediaUrl${i}`);
    if (url) media.push({ url, contentType: field(form, `MediaContentType${i}`) || 'application/octet-stream' });
  }
  const body = form['Body'];
  const text = Array.isArray(body) ? body.filter((b): b is string => typeof b === 'string').join('\n') : typeof body === 'string' ? body : '';
  return {
    ok: true,
    message: {
      providerId: providerId(form),
      channel: from.channel,
      from: from.address,
      to: readAddress(field(form, 'To') ?? '').address,
      text: text.replace(CONTROL_IN_TEXT, '').trim(),
      media,
      receivedAt,
    },
  };
}
