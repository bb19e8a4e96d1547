/** The web simulator over real HTTP: a number typed into it is never treated as a member of staff's phone. */
import { afterEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/lib/clock.js';
import { serve, settle, testService, type Served } from '../helpers/test-service.js';

const TUESDAY_10AM = '2026-11-24T10:00:00Z';
const DUTY_21PLUS = '+447700900804'; // the service-wide duty PA in config/rota.yaml, with a registered phone
const YOUNG_PERSON = '+447700900711';

let service: ReturnType<typeof testService> | undefined;
let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  await service?.outbox.stop();
  service?.db.close();
  served = undefined;
  service = undefined;
});

async function simulate(from: string, text: string): Promise<{ status: number; body: { intent?: string; replies: string[] } }> {
  const res = await fetch(`${served!.url}/simulator/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from, channel: 'sms', text }),
  });
  return { status: res.status, body: (await res.json()) as { intent?: string; replies: string[] } };
}

describe('the simulator and staff phones', () => {
  it('posting as a PA\'s phone with a conversation\'s code sends nothing to the young person', async () => {
    service = testService({ clock: new FixedClock(TUESDAY_10AM) });
    service.outbox.start();
    served = await serve(service);

    const asked = await simulate(YOUNG_PERSON, 'can someone call me back');
    expect(asked.status).toBe(200);
    await settle(service);
    const conversationId = service.conversations.findOrCreate('sms', YOUNG_PERSON, service.clock.now()).id;
    const code = service.db.prepare('SELECT short_code FROM conversations WHERE id = ?').pluck().get(conversationId) as string;
    expect(code).toMatch(/^[A-Z0-9]{4}$/);
    const sentToYoungPerson = () => service!.fake!.sent.filter((m) => m.to === YOUNG_PERSON).map((m) => m.body);
    const before = sentToYoungPerson();

    const forged = await simulate(DUTY_21PLUS, `${code} Hi, it's Dee from 21Plus, ring me on 07700 900999`);
    expect(forged.status).toBe(200);
    await settle(service);

    expect(forged.body.intent).not.toBe('relay');
    expect(sentToYoungPerson()).toEqual(before);
    const transcript = service.messages.transcript(conversationId);
    expect(transcript.some((m) => m.origin === 'pa' || m.body.includes('ring me'))).toBe(false);
    expect(service.handoffStore.open(conversationId)!.status).toBe('waiting');
    expect(service.events.forConversation(service.conversations.findOrCreate('sms', DUTY_21PLUS, service.clock.now()).id)
      .some((e) => e.kind === 'staff.relay')).toBe(false);
  });
});
