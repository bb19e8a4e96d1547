/** The Twilio webhooks over real HTTP on loopback, with signatures made by the twilio package. */
import { hash } from '@node-rs/argon2';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import {
  AUTH_TOKEN, PUBLIC_BASE_URL, SERVICE_NUMBER, TWILIO_ENV, fixtureForm, postSigned, serve, settle, sid, smsParams, testService,
  type Served,
} from '../helpers/test-service.js';
import { MESSAGES_PATH, onlyLoopbackAndMockedTwilio } from '../helpers/twilio-api.js';
import { loginToConsole } from '../helpers/console-client.js';
import { TwilioChannel } from '../../src/channels/twilio/twilio-channel.js';
import { readConfig } from '../../src/config.js';
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

// Only a forged or unsigned request is refused: a message Twilio signed is stored, screened and answered even when
// its optional fields are missing or not what we expect, because a 400 loses it for good.
describe('signed messages with odd or missing optional fields are stored and answered', () => {
  const TO = '+447700900000';
  it.each([
    ['no MessageSid', { From: '+447700900161', To: TO, Body: 'council tax' }, 'sms', '+447700900161'],
    ['a MessageSid that is not a SID', { MessageSid: 'hello', From: '+447700900162', To: TO, Body: 'council tax' }, 'sms', '+447700900162'],
    ['no To', { MessageSid: sid(163), From: '+447700900163', Body: 'council tax' }, 'sms', '+447700900163'],
    ['no Body', { MessageSid: sid(164), From: '+447700900164', To: TO, NumMedia: '0' }, 'sms', '+447700900164'],
    ['a NumMedia that is not a number', { MessageSid: sid(165), From: '+447700900165', To: TO, Body: 'council tax', NumMedia: 'lots' }, 'sms', '+447700900165'],
    ['a sender without the plus', { MessageSid: sid(166), From: '447700900166', To: TO, Body: 'council tax' }, 'sms', '+447700900166'],
    ['a short code sender', { MessageSid: sid(167), From: '60000', To: TO, Body: 'council tax' }, 'sms', '60000'],
    ['a WhatsApp sender that is not a phone number', { MessageSid: sid(168), From: 'whatsapp:GB.ENT.98765', To: `whatsapp:${TO}`, Body: 'council tax' }, 'whatsapp', 'GB.ENT.98765'],
  ])('a signed form with %s', async (_name, params, channel, address) => {
    const res = await postSigned(served, MESSAGES, params as Record<string, string>);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    await settle(service);
    expect(inboundCount(service)).toBe(1);
    expect(service.db.prepare('SELECT channel, address FROM contacts').all()).toEqual([{ channel, address }]);
    expect(service.fake!.sent).toHaveLength(1);
    expect(service.fake!.sent[0]).toMatchObject({ channel, to: address });
  });

  it('a risk message in an odd form gets the safety reply and an urgent handoff', async () => {
    const from = '+447700900169';
    const res = await postSigned(served, MESSAGES, { From: from, Body: 'i want to end my life', NumMedia: 'several', MessageSid: 'not-a-sid' });
    expect(res.status).toBe(200);
    await settle(service);
    expect(service.fake!.sent.find((m) => m.to === from)!.body).toContain('999');
    const conversationId = service.conversations.findOrCreate('sms', from, service.clock.now()).id;
    expect(service.handoffStore.open(conversationId)).toMatchObject({ level: 'urgent' });
  });

  it('a form without MessageSid delivered twice is stored once and answered once', async () => {
    const form = { From: '+447700900170', To: TO, Body: 'council tax', AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID };
    for (let i = 0; i < 2; i++) expect((await postSigned(served, MESSAGES, form)).status).toBe(200);
    await settle(service);
    expect(inboundCount(service)).toBe(1);
    expect(service.fake!.sent).toHaveLength(1);
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
    ['no From', { MessageSid: sid(61), To: '+447700900000', Body: 'hi' }],
    ['a blank From', { MessageSid: sid(62), From: '  ', To: '+447700900000', Body: 'hi' }],
    ['a From that is only the whatsapp: prefix', { MessageSid: sid(63), From: 'whatsapp:', To: 'whatsapp:+447700900000', Body: 'hi' }],
  ])('a signed form with %s has nobody to answer: 400 with the reason', async (_name, params) => {
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

// WhatsApp users may hide their number behind a business-scoped user id (BSUID): Twilio then sends
// From=whatsapp:<country>.<id> and ExternalUserId. They are answered like anyone else, through Twilio.
describe('a WhatsApp sender without a phone number (business-scoped user id)', () => {
  const BSUID = 'US.13491208655302741918';
  let rest: ReturnType<typeof testService>;
  let restServed: Served | undefined;
  let posted: Array<Record<string, string>>;

  onlyLoopbackAndMockedTwilio();
  beforeEach(async () => {
    posted = [];
    // Every send (the reply, and alerts to staff phones) goes to Twilio's REST API, mocked here.
    nock('https://api.twilio.com')
      .persist()
      .post(MESSAGES_PATH, (body: Record<string, string>) => {
        posted.push(body);
        return true;
      })
      .reply(201, () => ({ sid: `SM${posted.length.toString(16).padStart(32, 'f')}`, status: 'queued', num_segments: '1' }));
    rest = testService({ env: TWILIO_ENV, channel: new TwilioChannel(readConfig(TWILIO_ENV).twilio!, { keepAlive: false }) });
    rest.outbox.start();
    restServed = await serve(rest);
  });
  afterEach(async () => {
    await restServed?.close();
    await rest.outbox.stop();
    rest.db.close();
    nock.cleanAll();
  });

  const toBsuid = () => posted.filter((f) => f['To'] === `whatsapp:${BSUID}`);

  it('is stored, answered through Twilio to the same id, and shown in the console', async () => {
    const res = await postSigned(restServed!, MESSAGES, fixtureForm('whatsapp-bsuid-text.txt'));
    expect(res.status).toBe(200);
    await settle(rest);

    const contact = rest.db.prepare('SELECT channel, address FROM contacts').all();
    expect(contact).toEqual([{ channel: 'whatsapp', address: BSUID }]);
    expect(inboundCount(rest)).toBe(1);
    expect(toBsuid()).toHaveLength(1);
    expect(toBsuid()[0]).toMatchObject({ From: `whatsapp:${SERVICE_NUMBER}` });
    expect(toBsuid()[0]!['Body']).toMatch(/council tax/i);
    expect(rest.db.prepare(`SELECT status FROM messages WHERE direction = 'out'`).pluck().all()).toEqual(['sent']);

    const conversationId = rest.conversations.findOrCreate('whatsapp', BSUID, rest.clock.now()).id;
    rest.staff.setPasswordHash(rest.staff.byEmail('admin@example.org')!.id, await hash('a long enough test password'));
    const { client } = await loginToConsole(restServed!, 'admin@example.org', 'a long enough test password');
    const page = await (await client.request(`/console/conversations/${conversationId}`)).text();
    expect(page).toContain(BSUID);
  });

  it('a risk message from it gets the safety reply to the same id and an urgent handoff', async () => {
    const form: Record<string, string> = { ...fixtureForm('whatsapp-bsuid-text.txt'), Body: 'i want to end my life tonight' };
    for (const field of ['MessageSid', 'SmsSid', 'SmsMessageSid']) form[field] = sid(0xb2);
    const res = await postSigned(restServed!, MESSAGES, form);
    expect(res.status).toBe(200);
    await settle(rest);

    expect(toBsuid().length).toBeGreaterThanOrEqual(1);
    expect(toBsuid()[0]!['Body']).toContain('999');
    const conversationId = rest.conversations.findOrCreate('whatsapp', BSUID, rest.clock.now()).id;
    expect(rest.handoffStore.open(conversationId)).toMatchObject({ level: 'urgent' });
  });
});
