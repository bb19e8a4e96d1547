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

it('a manager teaches an intent a phrasing from an unanswered question; the change is recorded with who made it', async () => {
  const { converse } = await import('../../src/cli/local-service.js');
  const { csrfOf } = await import('../helpers/console-client.js');
  const question = 'whats the deal with the zoomer card for the tram';
  expect((await converse(service, '+447700900961', 'sms', question))!.decision.topic).toBeNull();

  const pa = (await loginToConsole(served, 'duty.north@example.org', 'dashboard password')).client;
  const paToken = csrfOf(await (await pa.request('/console')).text());
  const refused = await pa.request('/console/dashboard/phrasing', { method: 'POST', body: new URLSearchParams({ _csrf: paToken, intent: 'travel', text: question }) });
  expect(refused.status).toBe(403);

  const manager = (await loginToConsole(served, 'manager@example.org', 'dashboard password')).client;
  expect((await manager.post('/console', '/console/dashboard/phrasing', { intent: 'travel', text: question })).status).toBe(303);
  expect((await manager.post('/console', '/console/dashboard/gap', { text: 'help with phone contracts' })).status).toBe(303);

  expect((await converse(service, '+447700900962', 'sms', question))!.decision.topic).toBe('travel');
  const page = await (await manager.request('/console/dashboard')).text();
  expect(page).toContain(`&quot;${question}&quot; added to travel`);
  expect(page).toContain('gap in the offer: help with phone contracts');
  expect(page).toContain('Fran (team manager)');
  expect(service.staff.recentAudit(10).map((a) => a.action)).toEqual(expect.arrayContaining(['add_phrasing', 'mark_gap']));
});
