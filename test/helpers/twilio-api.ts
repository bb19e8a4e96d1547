/** Twilio's REST API mocked with nock for tests that send through the real `twilio` client. */
import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { ACCOUNT_SID } from './test-service.js';

export const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

/** No request leaves the machine except to the test's own server on loopback; Twilio's region settings are cleared. */
export function onlyLoopbackAndMockedTwilio(): void {
  beforeAll(() => {
    delete process.env['TWILIO_REGION'];
    delete process.env['TWILIO_EDGE'];
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(() => nock.enableNetConnect());
}

export interface TwilioCall {
  To: string;
  Body: string;
  status: number;
}

/** Every message request Twilio's API receives, in order, answered with `answer(n, form)` for the n-th. */
export function mockTwilioMessages(answer: (call: number, form: Record<string, string>) => [number, object]): TwilioCall[] {
  const calls: TwilioCall[] = [];
  nock('https://api.twilio.com')
    .persist()
    .post(MESSAGES_PATH)
    .reply((_uri, body) => {
      const form = Object.fromEntries(new URLSearchParams(body as string)) as Record<string, string>;
      const [status, json] = answer(calls.length + 1, form);
      calls.push({ To: form['To']!, Body: form['Body']!, status });
      return [status, json];
    });
  return calls;
}
