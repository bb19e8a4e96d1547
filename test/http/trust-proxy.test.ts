/** Behind a proxy: TRUST_PROXY decides client addresses (so login limits) and the Secure cookie; a proxy not trusted is warned about. */
import { hash } from '@node-rs/argon2';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { consoleClient, csrfOf, loginToConsole } from '../helpers/console-client.js';
import { serve, testService, type Served } from '../helpers/test-service.js';

const PASSWORD = 'correct horse battery staple';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(env: Record<string, string>, logger?: Logger): Promise<Served> {
  const service = testService({ env: { SESSION_SECRET: 'x'.repeat(40), ...env }, ...(logger ? { logger } : {}) });
  cleanups.push(async () => {
    await service.outbox.stop();
    service.db.close();
  });
  service.staff.setPasswordHash(service.staff.byEmail('duty.north@example.org')!.id, await hash(PASSWORD));
  const served = await serve(service);
  cleanups.unshift(() => served.close());
  return served;
}

describe('login limits behind a proxy', () => {
  it('with TRUST_PROXY=1, limits count each client address, not the proxy: one guesser does not lock out a PA elsewhere', async () => {
    const served = await start({ TRUST_PROXY: '1' });
    const guesser = { 'X-Forwarded-For': '203.0.113.7' };
    let status = 0;
    // A different account each time, so only the per-address limit can stop the guesser.
    for (let i = 0; i < 80 && status !== 429; i++) status = (await loginToConsole(served, `guess${i}@example.org`, 'wrong password', guesser)).res.status;
    expect(status).toBe(429);
    const pa = await loginToConsole(served, 'duty.north@example.org', PASSWORD, { 'X-Forwarded-For': '198.51.100.9' });
    expect(pa.res.status).toBe(303);
  }, 120_000);

  it('the per-account limit holds whichever addresses the guesses come from', async () => {
    const served = await start({ TRUST_PROXY: '1' });
    for (let i = 0; i < 10; i++) {
      const { res } = await loginToConsole(served, 'duty.north@example.org', `guess ${i}`, { 'X-Forwarded-For': `203.0.113.${i + 1}` });
      expect(res.status).toBe(401);
    }
    const pa = await loginToConsole(served, 'duty.north@example.org', PASSWORD, { 'X-Forwarded-For': '198.51.100.9' });
    expect(pa.res.status).toBe(429);
  }, 60_000);
});

describe('the Secure cookie flag', () => {
  it.each([
    ['true', 'https', true],
    ['1', 'https', true],
    ['1', 'http', false],
    // A proxy the service does not trust (or none configured) cannot make a plain-http request count as https.
    ['10.9.9.9', 'https', false],
    ['', 'https', false],
  ])('TRUST_PROXY=%o, X-Forwarded-Proto: %s from the peer: the login and session cookies are Secure: %s', async (trustProxy, proto, secure) => {
    const served = await start(trustProxy ? { TRUST_PROXY: trustProxy } : {});
    const browser = consoleClient(served, { 'X-Forwarded-Proto': proto, 'X-Forwarded-For': '198.51.100.9' });
    const page = await browser.request('/console/login');
    const loginCookie = page.headers.getSetCookie().find((c) => c.startsWith('offerline.login='));
    const res = await browser.request('/console/login', {
      method: 'POST', body: new URLSearchParams({ _csrf: csrfOf(await page.text()), email: 'duty.north@example.org', password: PASSWORD }),
    });
    expect(res.status).toBe(303);
    const sessionCookie = res.headers.getSetCookie().find((c) => c.startsWith('offerline.sid='));
    for (const cookie of [loginCookie, sessionCookie]) {
      expect(cookie).toBeDefined();
      expect(/;\s*secure(;|$)/i.test(cookie!)).toBe(secure);
    }
  }, 60_000);
});

describe('checking TRUST_PROXY', () => {
  const capture = () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    return { logger, warnings: () => lines.filter((l) => String(l['msg']).includes('TRUST_PROXY')), lines };
  };
  const forwarded = { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' };

  it('requests through a proxy while TRUST_PROXY is unset: one warning naming TRUST_PROXY, at the first of them', async () => {
    const { logger, warnings, lines } = capture();
    const served = await start({}, logger);
    await fetch(`${served.url}/healthz`);
    expect(warnings()).toHaveLength(0);
    for (let i = 0; i < 3; i++) await fetch(`${served.url}/console/login`, { headers: forwarded });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!['level']).toBe(40);
    expect(JSON.stringify(lines)).not.toContain('203.0.113.7');
  });

  it('no warning when TRUST_PROXY trusts the proxy the requests come through', async () => {
    const { logger, warnings } = capture();
    const served = await start({ TRUST_PROXY: 'loopback' }, logger);
    for (let i = 0; i < 3; i++) await fetch(`${served.url}/console/login`, { headers: forwarded });
    expect(warnings()).toHaveLength(0);
  });
});
