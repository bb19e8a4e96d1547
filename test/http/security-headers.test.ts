/** Security headers (helmet) on every answer, the console included; no framework banner. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serve, testService, type Served } from '../helpers/test-service.js';

let service: ReturnType<typeof testService>;
let served: Served;
beforeAll(async () => {
  service = testService();
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
