/** The outbox sending through the real TwilioChannel against Twilio's REST API mocked with nock. */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TwilioChannel } from '../../src/channels/twilio/twilio-channel.js';
import { readConfig } from '../../src/config.js';
import { TWILIO_ENV, settle, testService } from '../helpers/test-service.js';
import { MESSAGES_PATH, mockTwilioMessages, onlyLoopbackAndMockedTwilio } from '../helpers/twilio-api.js';
import { waitFor } from '../helpers/wait-for.js';
import { converse } from '../../src/cli/local-service.js';
import { FixedClock } from '../../src/lib/clock.js';

const twilioConfig = readConfig(TWILIO_ENV).twilio!;

let service: ReturnType<typeof testService>;

function sentRows() {
  return service.db
    .prepare(`SELECT body, status, provider_id AS providerId, error_code AS errorCode, attempts FROM messages WHERE direction = 'out' ORDER BY id`)
    .all() as Array<{ body: string; status: string; providerId: string | null; errorCode: string | null; attempts: number }>;
}

onlyLoopbackAndMockedTwilio();

beforeEach(() => {
  service = testService({
    env: { ...TWILIO_ENV, OUTBOX_RETRY_BASE_MS: '10' },
    channel: new TwilioChannel(twilioConfig, { keepAlive: false }),
  });
});
afterEach(async () => {
  await service.outbox.stop();
  service.db.close();
  nock.cleanAll();
});

describe('sending replies through Twilio', () => {
  it('posts the reply from the configured number with a status callback and records the SID', async () => {
    let form: Record<string, string> = {};
    const scope = nock('https://api.twilio.com')
      .post(MESSAGES_PATH, (body: Record<string, string>) => {
        form = body;
        return true;
      })
      .reply(201, { sid: `SM${'a'.repeat(32)}`, status: 'queued', num_segments: '2', error_code: null });
    await converse(service, '+447700900301', 'sms', 'do i have to pay council tax');
    await settle(service);
    expect(scope.isDone()).toBe(true);
    expect(form['To']).toBe('+447700900301');
    expect(form['From']).toBe('+447700900000');
    expect(form['StatusCallback']).toBe('https://offerline.example.org/webhooks/twilio/status');
    expect(form['Body']).toMatch(/council tax/i);
    expect(sentRows()).toEqual([expect.objectContaining({ status: 'sent', providerId: `SM${'a'.repeat(32)}`, attempts: 1 })]);
  });

  it('sends WhatsApp replies from the WhatsApp sender to the whatsapp: address', async () => {
    let form: Record<string, string> = {};
    nock('https://api.twilio.com')
      .post(MESSAGES_PATH, (body: Record<string, string>) => {
        form = body;
        return true;
      })
      .reply(201, { sid: `SM${'b'.repeat(32)}`, status: 'queued' });
    await converse(service, '+447700900302', 'whatsapp', 'hiya');
    await settle(service);
    expect(form['To']).toBe('whatsapp:+447700900302');
    expect(form['From']).toBe('whatsapp:+447700900000');
  });

  it('retries a retryable failure with backoff and sends the reply exactly once', async () => {
    const scope = nock('https://api.twilio.com')
      .post(MESSAGES_PATH).reply(503, { code: 20503, message: 'Service unavailable', status: 503 })
      .post(MESSAGES_PATH).reply(429, { code: 20429, message: 'Too many requests', status: 429 })
      .post(MESSAGES_PATH).reply(201, { sid: `SM${'c'.repeat(32)}`, status: 'queued' });
    await converse(service, '+447700900303', 'sms', 'council tax');
    // The outbox's own timer retries after 10 ms, then 20 ms.
    service.outbox.start();
    await waitFor(() => sentRows()[0]?.status === 'sent', { what: 'the reply to be sent after the retries' });
    expect(scope.isDone()).toBe(true);
    expect(sentRows()).toEqual([expect.objectContaining({ status: 'sent', providerId: `SM${'c'.repeat(32)}`, attempts: 3 })]);
  });

  it('gives up on a permanent failure without retrying and records the code', async () => {
    nock('https://api.twilio.com').post(MESSAGES_PATH).once().reply(400, { code: 21211, message: "The 'To' number is not valid", status: 400 });
    await converse(service, '+447700900304', 'sms', 'council tax');
    await settle(service);
    expect(sentRows()).toEqual([expect.objectContaining({ status: 'failed', errorCode: '21211', attempts: 1 })]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('on error 21610 marks the contact opted out and sends them nothing more', async () => {
    nock('https://api.twilio.com').post(MESSAGES_PATH).once().reply(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 });
    await converse(service, '+447700900305', 'sms', 'council tax');
    await settle(service);
    expect(sentRows()[0]).toEqual(expect.objectContaining({ status: 'failed', errorCode: '21610' }));
    const contact = service.db.prepare(`SELECT opted_out, last_send_error FROM contacts WHERE address = '+447700900305'`).get() as { opted_out: number; last_send_error: string };
    expect(contact).toEqual({ opted_out: 1, last_send_error: '21610' }); // kept on the contact for staff
    // The next ordinary question is stored but not answered: no further request reaches Twilio (nock would throw).
    const o = await converse(service, '+447700900305', 'sms', 'what about a deposit');
    await settle(service);
    expect(o?.replies).toEqual([]);
    const events = service.events.forConversation(o!.conversationId).map((e) => e.kind);
    expect(events).toContain('send.refused');
  });

  it('a reply whose send was interrupted by a crash is sent after restart rather than lost', async () => {
    await service.outbox.stop(); // the "old process": its outbox never finishes
    await converse(service, '+447700900306', 'sms', 'council tax');
    // Simulate a process that died inside the send call: the row is left 'sending'.
    service.db.prepare(`UPDATE messages SET status = 'sending', attempts = 1 WHERE direction = 'out'`).run();
    const scope = nock('https://api.twilio.com').post(MESSAGES_PATH).once().reply(201, { sid: `SM${'d'.repeat(32)}`, status: 'queued' });
    service.outbox.start();
    await settle(service);
    expect(scope.isDone()).toBe(true);
    expect(sentRows()[0]).toEqual(expect.objectContaining({ providerId: `SM${'d'.repeat(32)}`, attempts: 2 }));
  });

  it('sends an approved WhatsApp template by Content SID with its variables and no Body (else Twilio answers 63016)', async () => {
    let form: Record<string, string> = {};
    nock('https://api.twilio.com')
      .post(MESSAGES_PATH, (body: Record<string, string>) => {
        form = body;
        return true;
      })
      .reply(201, { sid: `SM${'e'.repeat(32)}`, status: 'queued' });
    const conversation = service.conversations.findOrCreate('whatsapp', '+447700900307', new Date());
    service.messages.queueReply({
      conversationId: conversation.id, replyTo: null, seq: 0, body: 'Your PA would like to talk', language: 'en', origin: 'pa',
      segments: 1, ignoreOptOut: false, at: new Date(), template: { contentSid: `HX${'1'.repeat(32)}`, variables: { '1': 'Dee' } },
    });
    await settle(service);
    expect(form['ContentSid']).toBe(`HX${'1'.repeat(32)}`);
    expect(JSON.parse(form['ContentVariables']!)).toEqual({ '1': 'Dee' });
    expect(form['Body']).toBeUndefined();
    expect(form['To']).toBe('whatsapp:+447700900307');
  });

  it('after Twilio 429s and 5xx the safety reply and the staff alert both arrive, once each', async () => {
    const sent: Array<{ To: string; Body: string }> = [];
    let calls = 0;
    nock('https://api.twilio.com')
      .persist()
      .post(MESSAGES_PATH)
      .reply((_uri, body) => {
        calls += 1;
        // The first three attempts fail the ways Twilio does under strain: a 503, a 429, a 500.
        if (calls === 1) return [503, { code: 20503, message: 'Service unavailable', status: 503 }];
        if (calls === 2) return [429, { code: 20429, message: 'Too many requests', status: 429 }];
        if (calls === 3) return [500, { code: 20500, message: 'Internal error', status: 500 }];
        const form = Object.fromEntries(new URLSearchParams(body as string)) as { To: string; Body: string };
        sent.push(form);
        return [201, { sid: `SM${calls.toString(16).padStart(32, '0')}`, status: 'queued' }];
      });
    service.outbox.start();
    await converse(service, '+447700900308', 'sms', 'i want to end my life');
    await waitFor(() => sent.length >= 2, { what: 'the safety reply and the staff alert to be sent' });
    await settle(service);
    expect(sent.map((f) => f.To).sort()).toEqual(['+447700900308', '+447700900804']);
    expect(sent.find((f) => f.To === '+447700900308')!.Body).toContain('999');
    expect(sent.find((f) => f.To === '+447700900804')!.Body).toMatch(/^URGENT/);
  });
});

/**
 * A service on a clock the test moves and an outbox that sends only when the test drains it: a retry happens
 * when the test says so, never by a timer racing the assertions.
 */
async function onTestClock(env: Record<string, string> = {}): Promise<FixedClock> {
  await service.outbox.stop();
  service.db.close();
  const clock = new FixedClock(new Date());
  const config = readConfig({ ...TWILIO_ENV, ...env }).twilio!;
  service = testService({ env: { ...TWILIO_ENV, OUTBOX_RETRY_BASE_MS: '10', ...env }, clock, channel: new TwilioChannel(config, { keepAlive: false }) });
  await service.outbox.stop(); // turns still queue replies; only drain() below sends them
  return clock;
}

/** Every request Twilio's API received, in order, with the answer given to each. */
const twilioApi = mockTwilioMessages;

const unavailable: [number, object] = [503, { code: 20503, message: 'Service unavailable', status: 503 }];
const accepted = (n: number): [number, object] => [201, { sid: `SM${n.toString(16).padStart(32, '0')}`, status: 'queued' }];

describe('when sending goes wrong', () => {
  it('gives up after the last attempt, records why, and the young person\'s next question is still answered', async () => {
    const clock = await onTestClock({ OUTBOX_MAX_ATTEMPTS: '3' });
    const calls = twilioApi((n) => (n <= 3 ? unavailable : accepted(n)));
    const first = await converse(service, '+447700900311', 'sms', 'do i have to pay council tax');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await service.outbox.drain();
      clock.advance(60_000);
    }
    await service.outbox.drain(); // nothing is left to try
    expect(calls.map((c) => c.status)).toEqual([503, 503, 503]);
    expect(sentRows()).toEqual([expect.objectContaining({ status: 'failed', errorCode: '20503', attempts: 3 })]);
    const failed = service.events.forConversation(first!.conversationId).filter((e) => e.kind === 'send.failed');
    expect(failed.map((e) => e.detail)).toEqual([{ code: '20503', attempts: 3 }]);

    // The reply that failed for good does not hold the conversation: the next answer goes out.
    await converse(service, '+447700900311', 'sms', 'what about a deposit');
    await service.outbox.drain();
    expect(calls.map((c) => c.status)).toEqual([503, 503, 503, 201]);
    expect(calls[3]!.Body).toMatch(/deposit/i);
    expect(sentRows().map((r) => r.status)).toEqual(['failed', 'sent']);
  });

  it('a connection reset with no answer from Twilio is retried, and the reply is sent once', async () => {
    const clock = await onTestClock();
    let form: Record<string, string> = {};
    const scope = nock('https://api.twilio.com')
      .post(MESSAGES_PATH).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .post(MESSAGES_PATH, (body: Record<string, string>) => {
        form = body;
        return true;
      })
      .reply(201, { sid: `SM${'f'.repeat(32)}`, status: 'queued' });
    await converse(service, '+447700900312', 'sms', 'do i have to pay council tax');
    await service.outbox.drain();
    expect(sentRows()).toEqual([expect.objectContaining({ status: 'queued', errorCode: 'network', attempts: 1 })]);
    clock.advance(60_000);
    await service.outbox.drain();
    expect(scope.isDone()).toBe(true);
    expect(form['Body']).toMatch(/council tax/i);
    expect(sentRows()).toEqual([expect.objectContaining({ status: 'sent', providerId: `SM${'f'.repeat(32)}`, errorCode: null, attempts: 2 })]);
  });

  it('a later reply waits behind an earlier one that is waiting for a retry, so they arrive in order', async () => {
    const clock = await onTestClock();
    const calls = twilioApi((n) => (n === 1 ? unavailable : accepted(n)));
    await converse(service, '+447700900313', 'sms', 'do i have to pay council tax');
    await service.outbox.drain(); // the council tax answer fails and waits for its retry
    await converse(service, '+447700900313', 'sms', 'what about a deposit');
    await service.outbox.drain(); // the deposit answer is due now, but must not overtake
    expect(calls).toHaveLength(1);
    expect(sentRows().map((r) => r.status)).toEqual(['queued', 'queued']);

    clock.advance(60_000);
    await service.outbox.drain();
    expect(calls.map((c) => [c.status, /council tax/i.test(c.Body) ? 'council tax' : /deposit/i.test(c.Body) ? 'deposit' : c.Body]))
      .toEqual([[503, 'council tax'], [201, 'council tax'], [201, 'deposit']]);
    expect(sentRows().map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('a reply queued before the young person texted STOP is not sent; a safety reply after it still is', async () => {
    await onTestClock();
    const calls = twilioApi((n) => accepted(n));
    await converse(service, '+447700900314', 'sms', 'do i have to pay council tax'); // queued, not yet sent
    await converse(service, '+447700900314', 'sms', 'STOP'); // Twilio confirms STOP itself on SMS
    await converse(service, '+447700900314', 'sms', 'i want to end my life');
    await service.outbox.drain();
    const toThem = calls.filter((c) => c.To === '+447700900314');
    expect(toThem).toHaveLength(1);
    expect(toThem[0]!.Body).toContain('999');
    expect(calls.filter((c) => c.To === '+447700900804').map((c) => c.Body)).toEqual([expect.stringMatching(/^URGENT/)]);
    const councilTax = service.db.prepare(`SELECT status, error_code AS errorCode FROM messages WHERE direction = 'out' AND body LIKE '%ouncil %ax%' ORDER BY id LIMIT 1`).get();
    expect(councilTax).toEqual({ status: 'failed', errorCode: 'opted-out' });
  });
});

describe('STOP and START on the real Twilio channel', () => {
  it.each([
    ['twilio', 'sms', []],
    ['service', 'sms', ['stop', 'start']],
    ['twilio', 'whatsapp', ['stop', 'start']],
    ['service', 'whatsapp', ['stop', 'start']],
  ] as const)('with TWILIO_SMS_OPT_OUT_REPLIES=%s, on %s, the service itself confirms: %j', async (setting, channel, confirmed) => {
    await onTestClock({ TWILIO_SMS_OPT_OUT_REPLIES: setting });
    const calls = twilioApi((n) => accepted(n));
    const address = channel === 'sms' ? '+447700900315' : '+447700900316';
    const optedOut = () => service.db.prepare('SELECT opted_out FROM contacts WHERE address = ?').pluck().get(address);
    await converse(service, address, channel, 'STOP');
    await service.outbox.drain();
    expect(optedOut()).toBe(1);
    await converse(service, address, channel, 'START');
    await service.outbox.drain();
    expect(optedOut()).toBe(0);
    const said = calls.map((c) => (/won't get any more texts/.test(c.Body) ? 'stop' : /Welcome back/.test(c.Body) ? 'start' : c.Body));
    expect(said).toEqual(confirmed);
  });
});
