/**
 * Property-based bad input (fast-check): random forms, long and strange bodies, every script and emoji, control
 * characters, missing fields, huge NumMedia. Never a 5xx, never a crash; a clear 4xx where the request is wrong.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSigned, serve, settle, sid, smsParams, testService, TWILIO_ENV, type Served } from '../helpers/test-service.js';

let service: ReturnType<typeof testService>;
let served: Served;
let n = 0;

beforeAll(async () => {
  service = testService({ env: TWILIO_ENV });
  service.outbox.start();
  served = await serve(service);
});
afterAll(async () => {
  await served.close();
  await service.outbox.stop();
  service.db.close();
});

const anyText = fc.oneof(
  fc.string({ maxLength: 200, unit: 'grapheme' }),
  fc.string({ maxLength: 10_000, unit: 'binary' }),
  fc.string({ maxLength: 50, unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom('😭🙏🏽👨‍👩‍👧', 'ما عندي فلوس', 'ገንዘብ የለኝም', '\u202Eevil\u202C', '\uD800', 'STOP', ''),
);

describe('the inbound webhook under random input', () => {
  it('answers every well-signed message 200 and answers it, whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.constantFrom('sms', 'whatsapp'), async (text, channel) => {
        n += 1;
        const from = `${channel === 'whatsapp' ? 'whatsapp:' : ''}+4477009${String(60_000 + (n % 300)).padStart(5, '0')}`;
        const res = await postSigned(served, '/webhooks/twilio/messages', { ...smsParams(sid(900_000 + n), from, text), ...(channel === 'whatsapp' ? { To: 'whatsapp:+447700900000' } : {}) });
        expect(res.status).toBe(200);
      }),
      { numRuns: 120 },
    );
    await settle(service);
    const stuck = service.db.prepare(`SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received'`).pluck().get();
    expect(stuck).toBe(0);
  });

  it('stores every well-signed form that names a sender, whatever its other fields hold', async () => {
    const inbound = () => service.db.prepare(`SELECT COUNT(*) FROM messages WHERE direction = 'in'`).pluck().get() as number;
    const sender = fc.oneof(
      fc.constantFrom('+447700961234', '447700961235', 'whatsapp:+447700961236', 'whatsapp:US.13491208655302741918', 'whatsapp:GB.ENT.1', '60000', 'VODAFONE'),
      fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }).map((v) => `whatsapp:${v}`),
      fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
    ).filter((v) => v.replace(/^\s*whatsapp:/i, '').replace(/[\u0000-\u001F\u007F]/g, '').trim() !== '');
    const field = fc.constantFrom('MessageSid', 'To', 'Body', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'ExternalUserId', 'Junk');
    // Short enough that every field at once stays under the 64 kB form limit (a 413 is not what is tested here).
    const fieldText = fc.oneof(
      fc.string({ maxLength: 200, unit: 'grapheme' }),
      fc.string({ maxLength: 500, unit: 'binary' }),
      fc.constantFrom('😭🙏🏽👨‍👩‍👧', 'ما عندي فلوس', '\u202Eevil\u202C', '\uD800', 'i want to end my life', ''),
    );
    await fc.assert(
      fc.asyncProperty(sender, fc.dictionary(field, fc.oneof(fieldText, fc.integer().map(String), fc.constant('9'.repeat(30)))), async (from, form) => {
        n += 1;
        const before = inbound();
        // A field Twilio might add: it makes every generated form a different message (a retry is stored once).
        const res = await postSigned(served, '/webhooks/twilio/messages', { ...form, From: from, Nonce: String(n), ...(form['MessageSid'] ? { MessageSid: `${form['MessageSid']}-${n}` } : {}) });
        expect(res.status).toBe(200);
        expect(inbound()).toBe(before + 1);
      }),
      { numRuns: 120 },
    );
    await settle(service);
    const stuck = service.db.prepare(`SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received'`).pluck().get();
    expect(stuck).toBe(0);
  });

  it('answers random forms with a 4xx or 200, never a 5xx', async () => {
    const field = fc.constantFrom('MessageSid', 'From', 'To', 'Body', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'ButtonPayload', 'Junk');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, fc.oneof(anyText, fc.integer().map(String), fc.constant('9'.repeat(30)))), async (form) => {
        const res = await postSigned(served, '/webhooks/twilio/messages', form);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
