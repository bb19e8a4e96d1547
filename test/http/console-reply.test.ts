/** A PA's reply from the console through the real Twilio client (nock): what the PA is told when it cannot go. */
import { hash } from '@node-rs/argon2';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TwilioChannel } from '../../src/channels/twilio/twilio-channel.js';
import { converse } from '../../src/cli/local-service.js';
import { readConfig } from '../../src/config.js';
import { FixedClock } from '../../src/lib/clock.js';
import { loginToConsole, type ConsoleClient } from '../helpers/console-client.js';
import { TWILIO_ENV, serve, testService, type Served } from '../helpers/test-service.js';
import { mockTwilioMessages, onlyLoopbackAndMockedTwilio, type TwilioCall } from '../helpers/twilio-api.js';

const PASSWORD = 'duty 21plus password';
const YOUNG_PERSON = '+447700900321';

let service: ReturnType<typeof testService>;
let served: Served;
let clock: FixedClock;
/** What reached Twilio's API, in order. */
let calls: TwilioCall[];
let passwordHash: string;

/** Twilio answers the n-th request with `answer(n, form)`; what reached it is kept in `calls`. */
function twilioApi(answer: (n: number, form: Record<string, string>) => [number, object]): void {
  calls = mockTwilioMessages(answer);
}
const accepted = (n: number): [number, object] => [201, { sid: `SM${n.toString(16).padStart(32, '0')}`, status: 'queued' }];

onlyLoopbackAndMockedTwilio();
beforeAll(async () => {
  passwordHash = await hash(PASSWORD);
});

beforeEach(async () => {
  calls = [];
  clock = new FixedClock('2026-11-24T10:00:00Z'); // a Tuesday, office open
  const env = { ...TWILIO_ENV, OUTBOX_MAX_ATTEMPTS: '2', OUTBOX_RETRY_BASE_MS: '10', SESSION_SECRET: 'r'.repeat(40) };
  service = testService({ env, clock, channel: new TwilioChannel(readConfig(env).twilio!, { keepAlive: false }) });
  // Only the test's drain() sends, so a retry happens when the test moves the clock and never by a timer.
  await service.outbox.stop();
  service.staff.setPasswordHash(service.staff.byEmail('duty.21plus@example.org')!.id, passwordHash);
  served = await serve(service);
});
afterEach(async () => {
  await served.close();
  service.db.close();
  nock.cleanAll();
});

async function handedOver(): Promise<{ client: ConsoleClient; page: string }> {
  const o = await converse(service, YOUNG_PERSON, 'sms', 'can someone call me back');
  expect(o!.decision.handoff).toBe('routine');
  const { client } = await loginToConsole(served, 'duty.21plus@example.org', PASSWORD);
  return { client, page: `/console/conversations/${o!.conversationId}` };
}

/** Posts the reply form as the page offers it, and returns the page the PA is sent back to. */
async function reply(client: ConsoleClient, page: string, text: string): Promise<string> {
  const res = await client.post(page, `${page}/reply`, { text });
  expect(res.status).toBe(303);
  return (await client.request(res.headers.get('location')!)).text();
}

describe('a PA replying from the console', () => {
  it('to a young person who has opted out: nothing is sent, and the PA is told it was not sent and why', async () => {
    twilioApi(accepted);
    const { client, page } = await handedOver();
    await converse(service, YOUNG_PERSON, 'sms', 'STOP');
    const after = await reply(client, page, "Hi, it's Dee from 21Plus. Can I call you at 2?");
    await service.outbox.drain();

    const flash = /<p class="flash"[^>]*>([^<]*)<\/p>/.exec(after)?.[1] ?? '';
    expect(flash).not.toMatch(/^Sent/);
    expect(flash).toMatch(/not sent/i);
    expect(flash).toMatch(/opted out/i);
    expect(flash).toMatch(/STOP/);
    expect(calls.filter((c) => c.To === YOUNG_PERSON)).toEqual([]);
    expect(service.db.prepare(`SELECT COUNT(*) FROM messages WHERE origin = 'pa'`).pluck().get()).toBe(0);
  });

  it('that Twilio refuses until the last attempt: the transcript shows it failed, with the error', async () => {
    const PA_TEXT = "Hi, it's Dee from 21Plus. Can I call you at 2?";
    twilioApi((n, form) => (form['Body'] === PA_TEXT ? [503, { code: 20503, message: 'Service unavailable', status: 503 }] : accepted(n)));
    const { client, page } = await handedOver();
    await reply(client, page, PA_TEXT);
    for (let attempt = 1; attempt <= 2; attempt++) {
      await service.outbox.drain();
      clock.advance(60_000);
    }
    expect(calls.filter((c) => c.Body === PA_TEXT).map((c) => c.status)).toEqual([503, 503]);

    const html = await (await client.request(page)).text();
    const line = /<li class="out pa">([\s\S]*?)<\/li>/.exec(html)?.[1] ?? '';
    expect(line).toContain('Can I call you at 2?');
    expect(line).toMatch(/failed/);
    expect(line).toContain('error 20503');
    expect(line).not.toMatch(/\bsent\b/);
  });
});
