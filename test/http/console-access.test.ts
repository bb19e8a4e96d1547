/** Who may do what in the console: only the claimer or a manager ends a claimed handoff; reads are limited and audited. */
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { FixedClock } from '../../src/lib/clock.js';
import { loginToConsole, type ConsoleClient } from '../helpers/console-client.js';
import { serve, settle, testService, type Served } from '../helpers/test-service.js';

const TUESDAY_10AM = '2026-11-24T10:00:00Z';
const PASSWORD = 'access rules password';
const DUTY_21PLUS_PHONE = '+447700900804'; // the service-wide duty PA in config/rota.yaml: alerted for young people with no team

let service: ReturnType<typeof testService>;
let served: Served;
const clients: Record<string, ConsoleClient> = {};

beforeAll(async () => {
  service = testService({ clock: new FixedClock(TUESDAY_10AM), env: { SESSION_SECRET: 'a'.repeat(40) } });
  const passwordHash = await hash(PASSWORD);
  const people = ['duty.north@example.org', 'duty.south@example.org', 'duty.central@example.org', 'duty.21plus@example.org', 'manager@example.org', 'admin@example.org'];
  for (const email of people) service.staff.setPasswordHash(service.staff.byEmail(email)!.id, passwordHash);
  served = await serve(service);
  for (const email of people) clients[email] = (await loginToConsole(served, email, PASSWORD)).client;
});
afterAll(async () => {
  await served.close();
  await service.outbox.stop();
  service.db.close();
});

const north = () => clients['duty.north@example.org']!;
const south = () => clients['duty.south@example.org']!;
const central = () => clients['duty.central@example.org']!;
const manager = () => clients['manager@example.org']!;
const admin = () => clients['admin@example.org']!;
const staffId = (email: string) => service.staff.byEmail(email)!.id;
const sentTo = (to: string) => service.fake!.sent.filter((m) => m.to === to).map((m) => m.body);
/** The flash message the console shows after an action. */
const flashAfter = async (client: ConsoleClient, res: Response) => {
  expect(res.status).toBe(303);
  const page = await (await client.request(res.headers.get('location')!)).text();
  return /class="flash" role="status">([^<]*)</.exec(page)?.[1] ?? '';
};
const auditRows = (conversationId: number) => service.db
  .prepare('SELECT staff_id AS staffId, action, detail FROM audit WHERE conversation_id = ? ORDER BY id')
  .all(conversationId) as Array<{ staffId: number | null; action: string; detail: string }>;

describe('ending a handoff another PA has claimed', () => {
  it('another PA can neither close nor hand back an urgent conversation a PA has claimed; nothing changes for the young person', async () => {
    const phone = '+447700900911';
    const o = await converse(service, phone, 'sms', 'i want to end my life');
    await settle(service);
    const page = `/console/conversations/${o!.conversationId}`;
    expect(await flashAfter(north(), await north().post(page, `${page}/claim`, {}))).toMatch(/You have claimed/);
    const before = sentTo(phone).length;
    const seenBySouth = await (await south().request(page)).text();
    expect(seenBySouth).not.toContain(`${page}/close`);
    expect(seenBySouth).toContain('Only Alex (North duty PA) or a manager can hand this back or close it.');

    for (const action of ['close', 'handback']) {
      const flash = await flashAfter(south(), await south().post(page, `${page}/${action}`, {}));
      expect(flash).toMatch(/claimed/i);
      expect(service.handoffStore.open(o!.conversationId)).toMatchObject({ status: 'claimed', level: 'urgent', claimedBy: staffId('duty.north@example.org') });
      expect(service.conversations.get(o!.conversationId)!.mode).toBe('with_pa');
    }
    await settle(service);
    expect(sentTo(phone)).toHaveLength(before); // no "you're back with the text assistant"
    expect(auditRows(o!.conversationId).filter((a) => a.staffId === staffId('duty.south@example.org')).map((a) => a.action)).not.toContain('close');
  });

  it('the PA who claimed it can hand it back', async () => {
    const phone = '+447700900912';
    const o = await converse(service, phone, 'sms', 'can i talk to a real person');
    const page = `/console/conversations/${o!.conversationId}`;
    await north().post(page, `${page}/claim`, {});
    expect(await flashAfter(north(), await north().post(page, `${page}/handback`, {}))).toMatch(/Handed back/);
    expect(service.handoffStore.open(o!.conversationId)).toBeUndefined();
    await settle(service);
    expect(sentTo(phone).at(-1)).toMatch(/back with the text assistant/);
  });

  it('a manager can close a conversation a PA has claimed, and the audit says whose claim it ended', async () => {
    const o = await converse(service, '+447700900913', 'sms', 'i took all my tablets');
    const page = `/console/conversations/${o!.conversationId}`;
    await north().post(page, `${page}/claim`, {});
    expect(await flashAfter(manager(), await manager().post(page, `${page}/close`, {}))).toBe('Closed.');
    expect(service.handoffStore.latest(o!.conversationId)!.status).toBe('closed');
    const close = auditRows(o!.conversationId).find((a) => a.action === 'close')!;
    expect(close.staffId).toBe(staffId('manager@example.org'));
    expect(JSON.parse(close.detail)).toMatchObject({ claimedBy: staffId('duty.north@example.org') });
  });
});

describe('reading conversations', () => {
  it('a PA cannot open a conversation that never needed a person, nor its transcript, nor act on it; the attempt is audited', async () => {
    const o = await converse(service, '+447700900921', 'sms', 'do i have to pay council tax on my flat at 14 acacia avenue');
    const page = `/console/conversations/${o!.conversationId}`;
    for (const path of [page, `${page}/transcript`]) {
      const res = await north().request(path);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toMatch(/acacia|council tax/i);
    }
    const note = await north().post('/console', `${page}/notes`, { text: 'looking around' });
    expect(note.status).toBe(403);
    expect(service.handoffStore.notes(o!.conversationId)).toEqual([]);
    expect(auditRows(o!.conversationId).map((a) => [a.staffId, a.action, JSON.parse(a.detail)])).toEqual([
      [staffId('duty.north@example.org'), 'denied', { attempt: 'view' }],
      [staffId('duty.north@example.org'), 'denied', { attempt: 'view_transcript' }],
      [staffId('duty.north@example.org'), 'denied', { attempt: 'notes' }],
    ]);
  });

  it('a manager can open any young person\'s conversation (a missed risk has no handoff), and the read is audited', async () => {
    const o = await converse(service, '+447700900922', 'sms', 'whats the leaving care grant for a sofa');
    const res = await manager().request(`/console/conversations/${o!.conversationId}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('leaving care grant for a sofa');
    expect(auditRows(o!.conversationId)).toEqual([{ staffId: staffId('manager@example.org'), action: 'view', detail: JSON.stringify({ basis: 'manager' }) }]);
  });

  it('nobody, not even a manager or an admin, can browse a staff phone\'s alert thread', async () => {
    await converse(service, '+447700900923', 'sms', 'i want to kill myself');
    await settle(service);
    expect(sentTo(DUTY_21PLUS_PHONE).length).toBeGreaterThan(0);
    const thread = service.conversations.findOrCreate('sms', DUTY_21PLUS_PHONE, service.clock.now()).id;
    for (const client of [clients['duty.21plus@example.org']!, north(), manager(), admin()]) {
      for (const path of [`/console/conversations/${thread}`, `/console/conversations/${thread}/transcript`]) {
        const res = await client.request(path);
        expect(res.status).toBe(404);
        expect(await res.text()).not.toMatch(/URGENT/);
      }
    }
    expect(auditRows(thread).map((a) => a.action)).toEqual(Array(8).fill('denied'));
  });

  it('any PA can open a conversation waiting for a person; every page and transcript read is audited', async () => {
    const o = await converse(service, '+447700900924', 'sms', 'can someone ring me about my rent');
    const page = `/console/conversations/${o!.conversationId}`;
    expect((await central().request(page)).status).toBe(200);
    expect((await central().request(`${page}/transcript`)).status).toBe(200);
    expect(auditRows(o!.conversationId).map((a) => [a.staffId, a.action, JSON.parse(a.detail)])).toEqual([
      [staffId('duty.central@example.org'), 'view', { basis: 'open' }],
      [staffId('duty.central@example.org'), 'view_transcript', { basis: 'open' }],
    ]);
  });

  it('once the handoff is over, only the PA who handled it, the young person\'s team and managers can open it', async () => {
    const phone = '+447700900925';
    const o = await converse(service, phone, 'sms', 'can i talk to someone about my deposit');
    service.db.prepare(`UPDATE contacts SET team = 'south' WHERE address = ?`).run(phone);
    const page = `/console/conversations/${o!.conversationId}`;
    await north().post(page, `${page}/reply`, { text: 'Hi, it is Alex. I can help with that.' });
    await north().post(page, `${page}/close`, {});
    expect(service.handoffStore.open(o!.conversationId)).toBeUndefined();

    expect((await central().request(page)).status).toBe(403); // another team, never involved
    expect((await north().request(page)).status).toBe(200); // replied and closed it
    expect((await south().request(page)).status).toBe(200); // the young person's team
    expect((await manager().request(page)).status).toBe(200);
    expect(auditRows(o!.conversationId).filter((a) => a.action.startsWith('view') || a.action === 'denied').map((a) => [a.staffId, a.action, JSON.parse(a.detail)])).toEqual([
      [staffId('duty.north@example.org'), 'view', { basis: 'open' }], // the page the reply's CSRF token came from
      [staffId('duty.north@example.org'), 'view', { basis: 'open' }],
      [staffId('duty.central@example.org'), 'denied', { attempt: 'view' }],
      [staffId('duty.north@example.org'), 'view', { basis: 'involved' }],
      [staffId('duty.south@example.org'), 'view', { basis: 'team' }],
      [staffId('manager@example.org'), 'view', { basis: 'manager' }],
    ]);
  });
});
