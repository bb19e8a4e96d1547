/** The console refuses everything without a login; logins are checked, rate-limited and protected from CSRF. */
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { serve, testService, type Served } from '../helpers/test-service.js';
import { anonymousConsole, consoleClient, csrfOf, loginToConsole } from '../helpers/console-client.js';

// Every argon2 verification the console makes is recorded (and still done), to see which logins run one.
const argon = vi.hoisted(() => ({ verified: [] as string[] }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: (...args: Parameters<typeof real.verify>) => {
      argon.verified.push(String(args[0]));
      return real.verify(...args);
    },
  };
});

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

const sessionRows = () => (service.db.prepare('SELECT COUNT(*) AS n FROM staff_sessions').get() as { n: number }).n;

describe('sessions are stored only for staff who logged in', () => {
  it('anonymous visits to the login page, the console and failed logins store no session', async () => {
    const before = sessionRows();
    for (let i = 0; i < 25; i++) expect((await fetch(`${served.url}/console/login`)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await fetch(`${served.url}/console`, { redirect: 'manual' })).status).toBe(303);
    const { res } = await loginToConsole(served, 'nobody@example.org', 'not a password at all');
    expect(res.status).toBe(401);
    expect(sessionRows()).toBe(before);

    const { res: ok } = await login();
    expect(ok.status).toBe(303);
    expect(sessionRows()).toBe(before + 1);
  });

  it('the login form still needs its CSRF token: none, a token without its cookie, or another browser\'s token is refused', async () => {
    const before = sessionRows();
    const post = (client: ReturnType<typeof consoleClient>, fields: Record<string, string>) =>
      client.request('/console/login', { method: 'POST', body: new URLSearchParams({ email: 'duty.north@example.org', password: PASSWORD, ...fields }) });

    const victim = consoleClient(served);
    const attacker = consoleClient(served);
    const attackerToken = csrfOf(await (await attacker.request('/console/login')).text());
    await victim.request('/console/login');
    expect((await post(victim, {})).status).toBe(403);
    expect((await post(consoleClient(served), { _csrf: attackerToken })).status).toBe(403);
    expect((await post(victim, { _csrf: attackerToken })).status).toBe(403);
    // A cookie the server did not sign, carrying the token the form sends, is worthless too.
    const forged = consoleClient(served);
    forged.cookies.set([...victim.cookies.keys()][0]!, 'made-up-token.bad-signature');
    expect((await post(forged, { _csrf: 'made-up-token' })).status).toBe(403);
    expect(sessionRows()).toBe(before);

    const victimToken = csrfOf(await (await victim.request('/console/login')).text());
    expect((await post(victim, { _csrf: victimToken })).status).toBe(303);
  });
});

describe('the console\'s paths in other letter cases', () => {
  const variants: Array<[string, string]> = [
    ['GET', '/CONSOLE'], ['GET', '/Console/login'], ['GET', '/CONSOLE/queue'], ['GET', '/cOnsole/events'], ['GET', '/CONSOLE/audit'],
    ['GET', '/CONSOLE/conversations/:id'], ['GET', '/Console/conversations/:id/transcript'], ['GET', '/console/LOGIN'], ['GET', '/console/Queue'],
    ['POST', '/CONSOLE/login'], ['POST', '/Console/logout'], ['POST', '/CONSOLE/conversations/:id/claim'],
  ];
  const statuses = async (request: (path: string, init: RequestInit) => Promise<Response>) => {
    const seen: string[] = [];
    for (const [method, template] of variants) {
      const path = template.replace(':id', String(conversationId));
      // Only the status matters; the body is dropped (the live event stream would never end).
      const status = async (p: string) => {
        const res = await request(p, { method, redirect: 'manual' });
        await res.body?.cancel();
        return res.status;
      };
      const variant = await status(path);
      const lower = await status(path.toLowerCase());
      if (variant !== 404 && variant !== lower) seen.push(`${method} ${path}: ${variant}, lower case ${lower}`);
    }
    return seen;
  };

  it('answer 404 or as the lower-case path does (never 500), logged in or not', async () => {
    expect(await statuses((path, init) => fetch(`${served.url}${path}`, init))).toEqual([]);
    const { client } = await loginToConsole(served, 'duty.north@example.org', PASSWORD);
    expect(await statuses(client.request)).toEqual([]);
    expect(service.handoffStore.open(conversationId)!.status).toBe('waiting');
  });
});

describe('a login does the same work whether or not the account exists', () => {
  it('an unknown email, an account without a password and a wrong password each run one argon2id verification of the same cost', async () => {
    // "$argon2id$v=19$m=19456,t=2,p=1$...": the algorithm, version and cost decide how long a verification takes.
    const cost = (h: string) => h.split('$').slice(1, 4).join('$');
    const real = cost(service.staff.byEmail('duty.north@example.org')!.passwordHash!);
    expect(real).toMatch(/^argon2id\$/);
    for (const [email, password] of [['nobody.here@example.org', 'whatever it is'], ['duty.south@example.org', 'whatever it is'], ['duty.north@example.org', 'wrong password']] as const) {
      argon.verified.length = 0;
      const { res } = await login(email, password);
      expect(res.status).toBe(401);
      expect(argon.verified.map(cost)).toEqual([real]);
    }
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

  it('ten wrong passwords for one account do not lock other staff out, even from the same address (behind one proxy)', async () => {
    for (let i = 0; i < 10; i++) expect((await login('duty.central@example.org', `guess ${i}`)).res.status).toBe(401);
    expect((await login('duty.central@example.org', 'guess 11')).res.status).toBe(429);
    expect((await login()).res.status).toBe(303);
  });

  it('after ten wrong passwords for one account, even its right one is refused for a while (429)', async () => {
    for (let i = 0; i < 10; i++) await login('duty.north@example.org', `guess ${i}`);
    const { res } = await login();
    expect(res.status).toBe(429);
  });
});
