/** Builds a real service on a fresh SQLite file for a test, and serves it on loopback when asked. */
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import twilio from 'twilio';
import { createApp } from '../../src/app.js';
import type { Channel } from '../../src/channels/channel.js';
import { FakeChannel } from '../../src/channels/fake-channel.js';
import { readConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/logger.js';
import { systemClock } from '../../src/lib/clock.js';
import { createService, type Service } from '../../src/service.js';
import { loadKnowledge, type Knowledge } from '../../src/knowledge.js';

export const AUTH_TOKEN = 'test_auth_token_0123456789abcdef';
export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const PUBLIC_BASE_URL = 'https://offerline.example.org';
export const SERVICE_NUMBER = '+447700900000';

export const TWILIO_ENV = {
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  PUBLIC_BASE_URL,
  TWILIO_FROM_NUMBER: SERVICE_NUMBER,
  TWILIO_WHATSAPP_FROM: `whatsapp:${SERVICE_NUMBER}`,
};

let knowledge: Knowledge | undefined;
/** content/ and intents/ are read once per test file; they never change during a run. */
export function sharedKnowledge(): Knowledge {
  knowledge ??= loadKnowledge();
  return knowledge;
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'offerline-test-')), 'offerline.db');
}

export interface TestServiceOptions {
  env?: Record<string, string>;
  channel?: Channel;
  clock?: Clock;
  databasePath?: string;
  /** Content and understanding other than the shared ones (a test that watches what is read). */
  knowledge?: Knowledge;
  /** A logger to read what the service logs; silent by default. */
  logger?: Logger;
}

export function testService(o: TestServiceOptions = {}): Service & { fake: FakeChannel | undefined } {
  const config: Readonly<Config> = { ...readConfig({ ...o.env }), databasePath: o.databasePath ?? tempDbPath() };
  const channel = o.channel ?? new FakeChannel();
  const service = createService({ config, clock: o.clock ?? systemClock, logger: o.logger ?? pino({ level: 'silent' }), channel, knowledge: o.knowledge ?? sharedKnowledge(), collectProcessMetrics: false });
  return { ...service, fake: channel instanceof FakeChannel ? channel : undefined };
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serve(service: Service): Promise<Served> {
  const app = createApp(service, () => true);
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A recorded Twilio form body from test/fixtures/twilio/. */
export function fixtureForm(name: string): Record<string, string> {
  const body = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'twilio', name), 'utf8');
  return Object.fromEntries(new URLSearchParams(body));
}

/** POSTs a form signed as Twilio signs it for `signedUrl` (by default the public URL of the same path). */
export async function postSigned(
  served: Served,
  path: string,
  params: Record<string, string>,
  opts: { token?: string; signedUrl?: string; signature?: string | null } = {},
): Promise<Response> {
  const signature =
    opts.signature === null
      ? undefined
      : (opts.signature ?? twilio.getExpectedTwilioSignature(opts.token ?? AUTH_TOKEN, opts.signedUrl ?? `${PUBLIC_BASE_URL}${path}`, params));
  return fetch(`${served.url}${path}`, {
    method: 'POST',
    body: new URLSearchParams(params),
    headers: signature ? { 'X-Twilio-Signature': signature } : {},
  });
}

export function smsParams(sid: string, from: string, body: string): Record<string, string> {
  return { MessageSid: sid, SmsSid: sid, AccountSid: ACCOUNT_SID, From: from, To: SERVICE_NUMBER, Body: body, NumMedia: '0', ApiVersion: '2010-04-01' };
}

export function sid(n: number, prefix = 'SM'): string {
  return `${prefix}${n.toString(16).padStart(32, '0')}`;
}

/** Waits until the runner and outbox have nothing left to do, however long that takes on this machine (within 90 s). */
export async function settle(service: Service): Promise<void> {
  const end = Date.now() + 90_000;
  for (;;) {
    await service.runner.idle();
    await service.outbox.drain();
    const pending = service.db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE (direction = 'in' AND status = 'received') OR (direction = 'out' AND status = 'sending')`).get() as { n: number };
    // A reply held behind an earlier one waiting for a retry is not due yet, whatever its own time says.
    if (pending.n === 0 && service.messages.due(service.clock.now(), 1).length === 0) return;
    if (Date.now() > end) throw new Error('service did not settle within 90 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
