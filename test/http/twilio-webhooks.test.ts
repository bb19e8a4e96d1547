/** The Twilio webhooks over real HTTP on loopback, with signatures made by the twilio package. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import {
  AUTH_TOKEN, PUBLIC_BASE_URL, TWILIO_ENV, fixtureForm, postSigned, serve, settle, sid, smsParams, testService,
  type Served,
} from '../helpers/test-service.js';
import type { Service } from '../../src/service.js';

const MESSAGES = '/webhooks/twilio/messages';
const STATUS = '/webhooks/twilio/status';

let service: ReturnType<typeof testService>;
let served: Served;

const count = (s: Service, sql: string): number => (s.db.prepare(sql).get() as { n: number }).n;
const inboundCount = (s: Service) => count(s, `SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'`);
const outboundCount = (s: Service) => count(s, `SELECT COUNT(*) AS n FROM messages WHERE direction = 'out'`);

beforeEach(async () => {
  service = testService({ env: TWILIO_ENV });
  service.outbox.start();
  served = await serve(service);
});
afterEach(async () => {
  await served.close();
  await service.outbox.stop();
  service.db.close();
});

describe('inbound messages', () => {
  it.each([
    ['sms-text.txt', 'sms'],
    ['whatsapp-text.txt', 'whatsapp'],
    ['whatsapp-button-reply.txt', 'whatsapp'],
    ['sms-emoji.txt', 'sms'],
    ['sms-1600.txt', 'sms'],
    ['sms-media-only.txt', 'sms'],
    ['whatsapp-media-only.txt', 'whatsapp'],
  ])('%s is stored, acknowledged with empty TwiML, and answered on the same channel', async (file, channel) => {
    const form = fixtureForm(file);
    const res = await postSigned(served, MESSAGES, form);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    await settle(service);
    expect(inboundCount(service)).toBe(1);
    const sent = service.fake!.sent;
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent[0]!.channel).toBe(channel);
    expect(sent[0]!.to).toBe(form['From']!.replace('whatsapp:', ''));
    expect(sent[0]!.body.length).toBeGreaterThan(10);
  });

  it('answers a text question from the offer', async () => {
    await postSigned(served, MESSAGES, fixtureForm('sms-text.txt'));
    await settle(service);
    expect(service.fake!.sent[0]!.body).toMatch(/council tax/i);
  });

  it('tells someone who sent only a picture that it reads text', async () => {
    await postSigned(served, MESSAGES, fixtureForm('sms-media-only.txt'));
    await settle(service);
    expect(service.fake!.sent[0]!.body).toMatch(/only read text/i);
  });

  it('accepts fields Twilio adds without notice', async () => {
    const form = { ...smsParams(sid(50), '+447700900150', 'hiya'), BrandNewTwilioField: 'x', AnotherOne: '' };
    expect((await postSigned(served, MESSAGES, form)).status).toBe(200);
  });

  it('checks the signature against the public URL behind a TLS-terminating proxy', async () => {
    // Twilio signed https://offerline.example.org/...; the request reaches us as plain http on loopback.
    const form = smsParams(sid(51), '+447700900151', 'council tax');
    const res = await fetch(`${served.url}${MESSAGES}`, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: {
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${MESSAGES}`, form),
        'X-Forwarded-Proto': 'https',
        Host: 'offerline.example.org',
      },
    });
    expect(res.status).toBe(200);
  });
});

describe('refused requests store nothing and send nothing', () => {
  const form = smsParams(sid(60), '+447700900160', 'do i have to pay council tax');

  it.each([
    ['a forged signature', { signature: 'dGhpcyBpcyBub3QgYSBzaWduYXR1cmU=' }],
    ['a signature made with another token', { token: 'someone_elses_token' }],
    ['no signature', { signature: null }],
    ['a signature for another URL', { signedUrl: `https://attacker.example.org${MESSAGES}` }],
    ['a signature for the http URL', { signedUrl: `http://offerline.example.org${MESSAGES}` }],
  ])('%s gets 403', async (_name, opts) => {
    const res = await postSigned(served, MESSAGES, form, opts as never);
    expect(res.status).toBe(403);
    await settle(service);
    expect(inboundCount(service)).toBe(0);
    expect(service.fake!.sent).toHaveLength(0);
  });

  it('a body changed after signing gets 403', async () => {
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${MESSAGES}`, form);
    const res = await fetch(`${served.url}${MESSAGES}`, {
      method: 'POST',
      body: new URLSearchParams({ ...form, Body: 'something else' }),
      headers: { 'X-Twilio-Signature': signature },
    });
    expect(res.status).toBe(403);
    expect(inboundCount(service)).toBe(0);
  });

  it.each([
    ['no MessageSid', { From: '+447700900161', To: '+447700900000', Body: 'hi' }],
    ['a MessageSid that is not a SID', { MessageSid: 'hello', From: '+447700900161', To: '+447700900000', Body: 'hi' }],
    ['no From', { MessageSid: sid(61), To: '+447700900000', Body: 'hi' }],
    ['a From that is not a number', { MessageSid: sid(62), From: 'not-a-number', To: '+447700900000', Body: 'hi' }],
    ['a NumMedia that is not a number', { MessageSid: sid(63), From: '+447700900161', To: '+447700900000', Body: 'hi', NumMedia: 'lots' }],
  ])('a signed form with %s gets 400 with the reason', async (_name, params) => {
    const res = await postSigned(served, MESSAGES, params as Record<string, string>);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Bad request: /);
    expect(inboundCount(service)).toBe(0);
  });

  it('a body over 64 kB gets 413', async () => {
    const res = await postSigned(served, MESSAGES, smsParams(sid(64), '+447700900164', 'x'.repeat(70_000)));
    expect(res.status).toBe(413);
    expect(inboundCount(service)).toBe(0);
  });
});

describe('duplicates', () => {
  it('the same MessageSid delivered three times is stored once and answered once', async () => {
    const form = smsParams(sid(70), '+447700900170', 'can u help wiv my deposit');
    for (let i = 0; i < 3; i++) expect((await postSigned(served, MESSAGES, form)).status).toBe(200);
    await settle(service);
    expect(inboundCount(service)).toBe(1);
    expect(service.fake!.sent).toHaveLength(1);
  });

  it('the same MessageSid delivered three times at once is stored once and answered once', async () => {
    const form = smsParams(sid(71), '+447700900171', 'council tax');
    const results = await Promise.all([1, 2, 3].map(() => postSigned(served, MESSAGES, form)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await settle(service);
    expect(inboundCount(service)).toBe(1);
    expect(outboundCount(service)).toBe(1);
    expect(service.fake!.sent).toHaveLength(1);
  });
});

describe('turn order', () => {
  it('answers a conversation in the order its messages arrived, one turn at a time', async () => {
    const from = '+447700900180';
    // A menu, then a number picking from it: only right if the second turn sees the first turn's state.
    await Promise.all([
      postSigned(served, MESSAGES, smsParams(sid(80), from, 'what can you do')),
      postSigned(served, MESSAGES, smsParams(sid(81), from, '3')),
    ]);
    await settle(service);
    const sent = service.fake!.sent.map((s) => s.body);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^I can help with/);
    const third = service.knowledge.catalogue.menus.main[2]!;
    expect(sent[1]).toBe(`${service.knowledge.catalogue.topics.get(third)!.short}\nReply MORE for more.`.replace(/\{\{(\w+)\}\}/g, (_, k: string) => service.knowledge.catalogue.contacts[k]!));
  });
});

describe('status callbacks', () => {
  it('records delivery and never moves a status backwards', async () => {
    await postSigned(served, MESSAGES, smsParams(sid(90), '+447700900190', 'council tax'));
    await settle(service);
    const providerId = service.fake!.sent[0]!.providerId;
    const status = () => (service.db.prepare('SELECT status FROM messages WHERE provider_id = ?').get(providerId) as { status: string }).status;
    const callback = (s: string, extra: Record<string, string> = {}) =>
      postSigned(served, STATUS, { MessageSid: providerId, MessageStatus: s, AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID, ...extra });
    expect((await callback('read')).status).toBe(200);
    expect(status()).toBe('read');
    await callback('delivered');
    expect(status()).toBe('read');
  });

  it('error 21610 in a callback marks the contact as opted out', async () => {
    await postSigned(served, MESSAGES, smsParams(sid(91), '+447700900191', 'council tax'));
    await settle(service);
    const providerId = service.fake!.sent[0]!.providerId;
    await postSigned(served, STATUS, { MessageSid: providerId, MessageStatus: 'undelivered', ErrorCode: '21610' });
    const row = service.db.prepare(`SELECT opted_out FROM contacts WHERE address = '+447700900191'`).get() as { opted_out: number };
    expect(row.opted_out).toBe(1);
  });

  it('a forged status callback gets 403', async () => {
    const res = await postSigned(served, STATUS, { MessageSid: sid(92), MessageStatus: 'delivered' }, { signature: 'bm9wZQ==' });
    expect(res.status).toBe(403);
  });
});

describe('without Twilio configured', () => {
  it('the webhooks answer 503 with the reason, even to a well-signed request, and store nothing', async () => {
    const local = testService();
    const localServed = await serve(local);
    try {
      const res = await postSigned(localServed, MESSAGES, smsParams(sid(99), '+447700900199', 'council tax'));
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/TWILIO_AUTH_TOKEN/);
      expect(inboundCount(local)).toBe(0);
    } finally {
      await localServed.close();
      local.db.close();
    }
  });
});

describe('rate limit per sender', () => {
  it('refuses a flood from one number with 429, but never a message that shows risk', async () => {
    const limited = testService({ env: { ...TWILIO_ENV, WEBHOOK_PER_SENDER_PER_MINUTE: '3' } });
    const limitedServed = await serve(limited);
    try {
      const from = '+447700900195';
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await postSigned(limitedServed, MESSAGES, smsParams(sid(300 + i), from, `hello ${i}`))).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const risk = await postSigned(limitedServed, MESSAGES, smsParams(sid(310), from, 'i want to end my life'));
      expect(risk.status).toBe(200);
      const other = await postSigned(limitedServed, MESSAGES, smsParams(sid(311), '+447700900196', 'hello'));
      expect(other.status).toBe(200);
      await settle(limited);
      expect(limited.fake!.sent.filter((m) => m.to === from).at(-1)!.body).toContain('999');
    } finally {
      await limitedServed.close();
      await limited.outbox.stop();
      limited.db.close();
    }
  });
});
