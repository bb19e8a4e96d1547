/** Handoff to the duty PA with a fake clock: alerts, escalation, office hours, claim, hand back, relay, restart. */
import { afterEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/lib/clock.js';
import { converse } from '../../src/cli/local-service.js';
import { settle, tempDbPath, testService } from '../helpers/test-service.js';
import { FakeChannel } from '../../src/channels/fake-channel.js';

const TUESDAY_10AM = '2026-11-24T10:00:00Z'; // London is on GMT in November
const SATURDAY_NIGHT = '2026-11-28T23:00:00Z';
const DUTY_21PLUS = '+447700900804'; // service-wide duty PA in config/rota.yaml
const MANAGER = '+447700900806';
const YOUNG_PERSON = '+447700900701';

let services: Array<ReturnType<typeof testService>> = [];
function start(at: string, databasePath = tempDbPath(), channel = new FakeChannel()) {
  const clock = new FixedClock(at);
  const s = testService({ clock, databasePath, channel });
  services.push(s);
  return { s, clock, channel, databasePath };
}
afterEach(async () => {
  for (const s of services) {
    await s.outbox.stop();
    if (s.db.open) s.db.close();
  }
  services = [];
});

const sentTo = (c: FakeChannel, to: string) => c.sent.filter((m) => m.to === to).map((m) => m.body);

describe('an urgent handoff', () => {
  it('alerts the duty PA at once without the young person\'s words, then escalates every 5 minutes until claimed', async () => {
    const { s, clock, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'my boyfriend hits me and im scared to go home');
    await settle(s);
    expect(o!.decision.handoff).toBe('urgent');
    expect(sentTo(channel, YOUNG_PERSON)[0]).toContain('999');
    const alert = sentTo(channel, DUTY_21PLUS);
    expect(alert).toHaveLength(1);
    expect(alert[0]).toMatch(/^URGENT/);
    expect(alert[0]).toContain(`/console/conversations/${o!.conversationId}`);
    expect(alert[0]).not.toMatch(/boyfriend|hits|scared/);

    clock.advance(4 * 60_000);
    s.handoffs.escalateDue();
    await settle(s);
    expect(sentTo(channel, MANAGER)).toHaveLength(0);

    clock.advance(60_000);
    s.handoffs.escalateDue();
    await settle(s);
    expect(sentTo(channel, MANAGER)).toHaveLength(1);

    const pa = s.staff.byEmail('duty.21plus@example.org')!;
    s.handoffs.claim(o!.conversationId, pa);
    clock.advance(30 * 60_000);
    s.handoffs.escalateDue();
    await settle(s);
    expect(sentTo(channel, MANAGER)).toHaveLength(1);
    expect(s.conversations.get(o!.conversationId)!.mode).toBe('with_pa');
  });

  it('survives a restart: an alert that fell due while the service was down goes out when it comes back', async () => {
    const first = start(TUESDAY_10AM);
    await converse(first.s, YOUNG_PERSON, 'sms', 'i want to end my life');
    await settle(first.s);
    await first.s.outbox.stop();
    first.s.db.close();

    const second = start('2026-11-24T10:07:00Z', first.databasePath);
    second.s.escalation.tick();
    await settle(second.s);
    expect(sentTo(second.channel, MANAGER)).toHaveLength(1);
  });
});

describe('a routine handoff', () => {
  it('in office hours alerts the duty PA and tells the young person a person will reply', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'can i talk to a real person');
    await settle(s);
    expect(o!.decision.handoff).toBe('routine');
    expect(o!.replies[0]).toMatch(/asked a person/);
    expect(o!.replies[0]).not.toMatch(/not at work/);
    expect(sentTo(channel, DUTY_21PLUS)[0]).toMatch(/^A young person has asked/);
  });

  it('out of hours tells the young person who to call now, and alerts nobody until the office opens', async () => {
    const { s, clock, channel } = start(SATURDAY_NIGHT);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'can i talk to a real person');
    await settle(s);
    expect(o!.replies[0]).toContain('0300 456 4546');
    expect(o!.replies[0]).toMatch(/next working day/);
    expect(sentTo(channel, DUTY_21PLUS)).toHaveLength(0);

    clock.advance(24 * 3600_000); // Sunday night: still closed
    s.handoffs.escalateDue();
    await settle(s);
    expect(sentTo(channel, DUTY_21PLUS)).toHaveLength(0);

    clock.advance(10 * 3600_000); // Monday 09:00
    s.handoffs.escalateDue();
    await settle(s);
    expect(sentTo(channel, DUTY_21PLUS)).toHaveLength(1);
  });

  it('while waiting, a clear question is answered with the request kept open, anything else is passed on, and an urgent message makes it urgent and alerts again', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    await converse(s, YOUNG_PERSON, 'sms', 'can someone ring me');
    const q = await converse(s, YOUNG_PERSON, 'sms', 'do i have to pay council tax');
    expect(q!.decision.intent).toBe('topic');
    expect(q!.replies[0]).toMatch(/still open/);
    expect(s.conversations.get(q!.conversationId)!.mode).toBe('waiting');
    const p = await converse(s, YOUNG_PERSON, 'sms', 'ok thanks, its about my rent really');
    expect(p!.decision.intent).toBe('forwarded');
    expect(p!.replies[0]).toMatch(/passed this on/);
    const r = await converse(s, YOUNG_PERSON, 'sms', 'actually i cant do this anymore');
    await settle(s);
    expect(r!.decision.handoff).toBe('urgent');
    expect(s.handoffStore.open(r!.conversationId)!.level).toBe('urgent');
    expect(sentTo(channel, DUTY_21PLUS).map((b) => b.slice(0, 6))).toEqual(['A youn', 'URGENT']);
  });
});

describe('staff actions', () => {
  it('claim, reply, note, hand back: the young person hears from the PA, then from the assistant again', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'whatsapp', 'i need to speak to a person');
    const pa = s.staff.byEmail('duty.north@example.org')!;
    s.handoffs.claim(o!.conversationId, pa);
    s.handoffs.reply(o!.conversationId, pa, 'Hi, it is Alex, your duty PA. How can I help?');
    s.handoffs.note(o!.conversationId, pa, 'Asked about rent arrears');
    await settle(s);
    expect(sentTo(channel, YOUNG_PERSON).at(-1)).toBe('Hi, it is Alex, your duty PA. How can I help?');

    const during = await converse(s, YOUNG_PERSON, 'whatsapp', 'thanks, its about my rent');
    expect(during!.replies).toEqual([]); // with a PA: no assistant reply
    s.handoffs.handBack(o!.conversationId, pa);
    await settle(s);
    expect(sentTo(channel, YOUNG_PERSON).at(-1)).toMatch(/back with the text assistant/);
    const after = await converse(s, YOUNG_PERSON, 'whatsapp', 'do i have to pay council tax');
    expect(after!.decision.topic).toBe('council-tax');
    expect(s.staff.recentAudit(10).map((a) => a.action)).toEqual(expect.arrayContaining(['claim', 'reply', 'note', 'hand_back']));
  });

  it('a PA can reply from their registered phone with the conversation\'s code', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'can someone call me back');
    await settle(s);
    const code = s.db.prepare('SELECT short_code AS c FROM conversations WHERE id = ?').pluck().get(o!.conversationId) as string;
    expect(sentTo(channel, DUTY_21PLUS)[0]).toContain(code);

    const relay = await converse(s, DUTY_21PLUS, 'sms', `${code.toLowerCase()} Hi, I will call you at 2pm`);
    await settle(s);
    expect(relay!.decision.intent).toBe('relay');
    expect(sentTo(channel, YOUNG_PERSON).at(-1)).toBe('Hi, I will call you at 2pm');
    expect(sentTo(channel, DUTY_21PLUS).at(-1)).toBe(`Sent to ${code}.`);
    expect(s.handoffStore.open(o!.conversationId)!.status).toBe('claimed');

    const wrong = await converse(s, DUTY_21PLUS, 'sms', 'ZZZZ hello');
    expect(wrong!.replies[0]).toMatch(/No open conversation has that code/);
  });

  it('a PA relaying by text to a conversation another PA has claimed gets a plain "claimed by someone else" text, never the young person\'s path', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'can someone call me back');
    await settle(s);
    const code = s.db.prepare('SELECT short_code AS c FROM conversations WHERE id = ?').pluck().get(o!.conversationId) as string;
    s.handoffs.claim(o!.conversationId, s.staff.byEmail('duty.north@example.org')!);
    const toYoungPerson = sentTo(channel, YOUNG_PERSON).length;
    const toPa = sentTo(channel, DUTY_21PLUS).length;

    // The PA's words quote the young person's risk: the screen would read them as urgent if they were a young person's.
    await converse(s, DUTY_21PLUS, 'sms', `${code} Sam, you said you took all your tablets, I am calling you now`);
    await settle(s);
    const paGot = sentTo(channel, DUTY_21PLUS).slice(toPa);
    expect(paGot).toEqual([expect.stringMatching(new RegExp(`${code}.*claimed by someone else`))]);
    expect(paGot[0]).not.toContain('999');
    expect(sentTo(channel, YOUNG_PERSON)).toHaveLength(toYoungPerson);
    const paThread = s.conversations.findOrCreate('sms', DUTY_21PLUS, s.clock.now());
    expect(paThread.mode).toBe('bot');
    expect(s.handoffStore.latest(paThread.id)).toBeUndefined();
    expect(s.handoffStore.open(o!.conversationId)).toMatchObject({ status: 'claimed', claimedBy: s.staff.byEmail('duty.north@example.org')!.id });
    expect(sentTo(channel, MANAGER)).toHaveLength(0); // nobody is alerted about the PA's own number
  });

  it('a relayed text that cannot be sent (too long) tells the PA so in plain words, and never raises a handoff on their number', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'can someone call me back');
    await settle(s);
    const code = s.db.prepare('SELECT short_code AS c FROM conversations WHERE id = ?').pluck().get(o!.conversationId) as string;
    const toPa = sentTo(channel, DUTY_21PLUS).length;
    await converse(s, DUTY_21PLUS, 'sms', `${code} you said you took all your tablets. ${'I am on my way, stay where you are. '.repeat(50)}`);
    await settle(s);
    const paGot = sentTo(channel, DUTY_21PLUS).slice(toPa);
    expect(paGot).toHaveLength(1);
    expect(paGot[0]).toMatch(/not sent/i);
    expect(paGot[0]).not.toContain('999');
    const paThread = s.conversations.findOrCreate('sms', DUTY_21PLUS, s.clock.now());
    expect(s.handoffStore.latest(paThread.id)).toBeUndefined();
    expect(s.handoffStore.open(o!.conversationId)!.status).toBe('waiting');
  });

  it('a PA texting a young person who has opted out is told it was not sent and why, and nothing goes to them', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'can someone call me back');
    await converse(s, YOUNG_PERSON, 'sms', 'STOP');
    await settle(s);
    const before = sentTo(channel, YOUNG_PERSON).length;
    const code = s.db.prepare('SELECT short_code AS c FROM conversations WHERE id = ?').pluck().get(o!.conversationId) as string;

    await converse(s, DUTY_21PLUS, 'sms', `${code} Hi, I will call you at 2pm`);
    await settle(s);
    expect(sentTo(channel, YOUNG_PERSON)).toHaveLength(before);
    const told = sentTo(channel, DUTY_21PLUS).at(-1)!;
    expect(told).not.toMatch(/^Sent/);
    expect(told).toMatch(new RegExp(`Not sent to ${code}: .*opted out.*STOP`));
    expect(s.db.prepare(`SELECT COUNT(*) FROM messages WHERE origin = 'pa'`).pluck().get()).toBe(0);
  });

  it('a risk message while with a PA keeps the PA, raises the level to urgent and still sends the safety reply', async () => {
    const { s, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'sms', 'can someone ring me');
    s.handoffs.claim(o!.conversationId, s.staff.byEmail('duty.21plus@example.org')!);
    const r = await converse(s, YOUNG_PERSON, 'sms', 'i took all my tablets');
    await settle(s);
    expect(r!.decision.handoff).toBe('urgent');
    expect(s.conversations.get(o!.conversationId)!.mode).toBe('with_pa');
    expect(s.handoffStore.open(o!.conversationId)!).toMatchObject({ level: 'urgent', status: 'claimed' });
    expect(sentTo(channel, YOUNG_PERSON).at(-1)).toContain('999');
  });

  it('after WhatsApp\'s 24-hour window a PA can text the young person by SMS instead', async () => {
    const { s, clock, channel } = start(TUESDAY_10AM);
    const o = await converse(s, YOUNG_PERSON, 'whatsapp', 'i need to speak to a person');
    clock.advance(25 * 3600_000);
    const pa = s.staff.byEmail('duty.21plus@example.org')!;
    s.handoffs.reply(o!.conversationId, pa, 'Sorry for the wait, can I call you today?', { channel: 'sms' });
    await settle(s);
    const last = channel.sent.at(-1)!;
    expect(last).toMatchObject({ to: YOUNG_PERSON, channel: 'sms', body: 'Sorry for the wait, can I call you today?' });
  });

  it('a WhatsApp user who hides their number (a business-scoped user id) is never sent an SMS to that id', async () => {
    const { s, clock, channel } = start(TUESDAY_10AM);
    const bsuid = 'GB.13491208655302741918';
    const o = await converse(s, bsuid, 'whatsapp', 'i need to speak to a person');
    await settle(s);
    clock.advance(25 * 3600_000);
    const pa = s.staff.byEmail('duty.21plus@example.org')!;
    expect(() => s.handoffs.reply(o!.conversationId, pa, 'Sorry for the wait', { channel: 'sms' })).toThrow(/cannot be texted by SMS/);
    await settle(s);
    expect(channel.sent.filter((m) => m.to === bsuid && m.channel === 'sms')).toHaveLength(0);
  });
});
