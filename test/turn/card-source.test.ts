/** Conversations started by the 21Plus birthday card are recorded as such, for reporting. */
import { expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { testService } from '../helpers/test-service.js';

it('records the card as the source once, whether by keyword or by words like "got ur card"', async () => {
  const s = testService({ env: { CARD_KEYWORD: 'NOTTS21' } });
  try {
    const a = await converse(s, '+447700900871', 'sms', 'notts21');
    expect(a!.decision.intent).toBe('card');
    const b = await converse(s, '+447700900872', 'sms', 'got ur card, who is this?');
    expect(b!.decision.intent).toBe('card');
    const c = await converse(s, '+447700900873', 'sms', 'do i have to pay council tax');
    const source = (from: string) => (s.db.prepare('SELECT source FROM contacts WHERE address = ?').get(from) as { source: string | null }).source;
    expect([source('+447700900871'), source('+447700900872'), source('+447700900873')]).toEqual(['card', 'card', null]);
    expect(s.events.forConversation(a!.conversationId).map((e) => e.kind)).toContain('source.card');
    expect(c!.decision.intent).toBe('topic');
  } finally {
    await s.outbox.stop();
    s.db.close();
  }
});
