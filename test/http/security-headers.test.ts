/** Security headers (helmet) on every answer, the console included; no framework banner. */
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loginToConsole } from '../helpers/console-client.js';
import { serve, testService, type Served } from '../helpers/test-service.js';

let service: ReturnType<typeof testService>;
let served: Served;
beforeAll(async () => {
  service = testService();
  service.staff.setPasswordHash(service.staff.byEmail('manager@example.org')!.id, await hash('headers test password'));
  served = await serve(service);
});
afterAll(async () => {
  await served.close();
  service.db.close();
});

it.each(['/healthz', '/console/login', '/', '/webhooks/twilio/messages'])('%s carries the security headers', async (path) => {
  const res = await fetch(`${served.url}${path}`, { method: path.startsWith('/webhooks') ? 'POST' : 'GET' });
  expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
  expect(res.headers.get('x-powered-by')).toBeNull();
});

it('console pages are never stored by a browser or proxy (Cache-Control: no-store), logged in or not', async () => {
  const { res: login, client } = await loginToConsole(served, 'manager@example.org', 'headers test password');
  expect(login.status).toBe(303);
  const anonymous = (path: string) => fetch(`${served.url}${path}`, { redirect: 'manual' });
  const answers = [
    ['/console/login', await anonymous('/console/login')],
    ['/console (anonymous)', await anonymous('/console')],
    ['/console', await client.request('/console')],
    ['/console/queue', await client.request('/console/queue')],
    ['/console/audit', await client.request('/console/audit')],
    ['/console/dashboard', await client.request('/console/dashboard')],
    ['/console/events', await client.request('/console/events')],
    ['/console/conversations/999999', await client.request('/console/conversations/999999')],
  ] as const;
  const seen = await Promise.all(answers.map(async ([path, res]) => {
    await res.body?.cancel();
    return [path, res.headers.get('cache-control')];
  }));
  expect(seen).toEqual(answers.map(([path]) => [path, expect.stringMatching(/(^|,\s*)no-store(,|$)/)]));
});
