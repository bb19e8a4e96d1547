/** The managers' dashboard: the insights figures inside the console, for managers and admins only. */
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loginToConsole } from '../helpers/console-client.js';
import { serve, testService, type Served } from '../helpers/test-service.js';

let service: ReturnType<typeof testService>;
let served: Served;
beforeAll(async () => {
  service = testService({ env: { SESSION_SECRET: 'd'.repeat(40) } });
  for (const email of ['manager@example.org', 'duty.north@example.org']) service.staff.setPasswordHash(service.staff.byEmail(email)!.id, await hash('dashboard password'));
  served = await serve(service);
});
afterAll(async () => {
  await served.close();
  service.db.close();
});

it('shows a manager the report for the last four weeks, with its charts; a PA gets 403', async () => {
  const manager = (await loginToConsole(served, 'manager@example.org', 'dashboard password')).client;
  const res = await manager.request('/console/dashboard');
  expect(res.status).toBe(200);
  const page = await res.text();
  expect(page).toContain('What young people ask, and what the offer lacks');
  expect(page).toMatch(/<svg|Nothing to show/);
  const pa = (await loginToConsole(served, 'duty.north@example.org', 'dashboard password')).client;
  expect((await pa.request('/console/dashboard')).status).toBe(403);
});
