/** @module Turns a Twilio "message comes in" form into an InboundMessage; channel quirks are handled here only. */
import { z } from 'zod';
import type { InboundMessage, Media } from '../../conversation/types.js';

/** Twilio caps media at 10 a message; anything claiming more is read no further than this. */
const MAX_MEDIA = 10;

const address = z.string().regex(/^(whatsapp:)?\+?[1-9]\d{5,14}$/, 'must be a phone number, optionally with whatsapp:');

// Twilio adds fields without notice, so unknown fields are accepted and ignored.
const inboundForm = z.looseObject({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/, 'must be a Twilio message SID'),
  From: address,
  To: address,
  Body: z.string().max(10_000).default(''),
  NumMedia: z.coerce.number().int().min(0).max(1000).default(0),
});

export type ParseResult = { ok: true; message: InboundMessage } | { ok: false; reason: string };

function e164(value: string): string {
  const bare = value.replace(/^whatsapp:/, '');
  return bare.startsWith('+') ? bare : `+${bare}`;
}

export function parseInbound(form: Record<string, unknown>, receivedAt: Date): ParseResult {
  const parsed = inboundForm.safeParse(form);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'form'}: ${issue.message}` };
  }
  const f = parsed.data;
  const media: Media[] = [];
  for (let i = 0; i < Math.min(f.NumMedia, MAX_MEDIA); i++) {
    const url = form[`MediaUrl${i}`];
    if (typeof url === 'string' && url !== '') {
      const type = form[`MediaContentType${i}`];
      media.push({ url, contentType: typeof type === 'string' ? type : 'application/octet-stream' });
    }
  }
  return {
    ok: true,
    message: {
      providerId: f.MessageSid,
      channel: f.From.startsWith('whatsapp:') ? 'whatsapp' : 'sms',
      from: e164(f.From),
      to: e164(f.To),
      // Strip control characters other than newlines; they are never meaningful in a text and upset terminals.
      text: f.Body.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '').trim(),
      media,
      receivedAt,
    },
  };
}
