/** The console refuses everything without a login; logins are checked, rate-limited and protected from CSRF. */
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { serve, testService, type Served } from '../helpers/test-service.js';
import { anonymousConsole, csrfOf, loginToConsole } from '../helpers/console-client.js';

let service: ReturnType<typeof testService>;
let served: Served;
let conversationId: number;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  service = testService({ env: { SESSION_SECRET: 'x'.repeat(40) } });
  service.staff.setPasswordHash(service.staff.byEmail('duty.north@example.org')!.id, await hash(PASSWORD));
  served = await serve(service);
  conversationId = (await converse(service, '+447700900901', 'sms', 'can i talk to a real person'))!.conversationId;
});
afterAll(async () => {
  await served.close();
  await service.outbox.stop();
  service.db.close();
});

const login = async (email = 'duty.north@example.org', password = PASSWORD) => {
  const { res, client } = await loginToConsole(served, email, password);
  return { res, request: client.request };
};

describe('without a login', () => {
  const id = () => conversationId;
  it.each([
    ['GET', '/console'],
    ['GET', '/console/queue'],
    ['GET', '/console/audit'],
    ['GET', '/console/dashboard'],
    ['GET', '/console/conversations/:id'],
    ['GET', '/console/conversations/:id/transcript'],
  ])('%s %s redirects to the login page and shows nothing', async (method, path) => {
    const res = await fetch(`${served.url}${path.replace(':id', String(id()))}`, { method, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login');
    expect(await res.text()).not.toMatch(/real person|queue/i);
  });

  it('the live event stream answers 401', async () => {
    const res = await fetch(`${served.url}/console/events`, { headers: { Accept: 'text/event-stream' } });
    expect(res.status).toBe(401);
  });

  /** Every table but the sessions, so any write an action made would show. */
  const everything = () => {
    const tables = service.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'staff_sessions' ORDER BY name`).pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, service.db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
  };

  it.each([
    ...['claim', 'reply', 'reply-preview', 'notes', 'handback', 'close', 'template'].map((a) => `/console/conversations/:id/${a}`),
    '/console/dashboard/phrasing', '/console/dashboard/gap', '/console/logout',
  ])('POST %s with a valid anonymous CSRF token answers 401 and writes nothing', async (path) => {
    // Past the CSRF check, only the login check stands between this request and the action.
    const anonymous = await anonymousConsole(served);
    const before = everything();
    const res = await anonymous.request(path.replace(':id', String(id())), {
      method: 'POST',
      body: new URLSearchParams({ _csrf: anonymous.csrf, text: 'hi, it is me', template: 'checking_in', intent: 'council-tax', channel: 'sms' }),
    });
    expect(res.status).toBe(401);
    expect(everything()).toEqual(before);
    expect(service.handoffStore.open(id())!.status).toBe('waiting');
  });
});

describe('logging in', () => {
  it('a wrong password is refused with 401', async () => {
    const { res } = await login('duty.north@example.org', 'wrong password');
    expect(res.status).toBe(401);
  });

  it('a person without a password set cannot log in', async () => {
    const { res } = await login('duty.south@example.org', '');
    expect(res.status).toBe(401);
  });

  it('the right password opens the queue with an HttpOnly cookie; actions need the CSRF token', async () => {
    const { res, request } = await login();
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const queue = await request('/console');
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain('asked for a person');

    const noToken = await request(`/console/conversations/${conversationId}/claim`, { method: 'POST', body: new URLSearchParams({}) });
    expect(noToken.status).toBe(403);
    expect(service.handoffStore.open(conversationId)!.status).toBe('waiting');

    const csrf = csrfOf(await (await request(`/console/conversations/${conversationId}`)).text());
    const claimed = await request(`/console/conversations/${conversationId}/claim`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) });
    expect(claimed.status).toBe(303);
    expect(service.handoffStore.open(conversationId)!.status).toBe('claimed');
    expect((await request('/console/audit')).status).toBe(403); // PAs do not see the audit log
    expect((await request('/console/dashboard')).status).toBe(403); // nor the dashboard
  });

  it('after ten wrong passwords from one address, even the right one is refused for a while (429)', async () => {
    for (let i = 0; i < 10; i++) await login('duty.north@example.org', `guess ${i}`);
    const { res } = await login();
    expect(res.status).toBe(429);
  });
});
