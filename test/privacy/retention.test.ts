/** Retention: each kind of data is kept for its own period; the dry run counts without deleting. */
import nock from 'nock';
import { expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { FixedClock } from '../../src/lib/clock.js';
import { settle, tempDbPath, testService } from '../helpers/test-service.js';

it('deletes bot-only conversations after 90 days and handed-over ones after 730, with a dry run first', async () => {
  const clock = new FixedClock('2026-01-05T10:00:00Z');
  const databasePath = tempDbPath();
  let s = testService({ clock, databasePath });
  await converse(s, '+447700900931', 'sms', 'do i have to pay council tax'); // bot only
  await converse(s, '+447700900932', 'sms', 'can i talk to a real person'); // handed over
  await settle(s);
  await s.outbox.stop();
  s.db.close();

  clock.advance(100 * 24 * 3600_000);
  s = testService({ clock, databasePath });
  const count = () => (s.db.prepare(`SELECT c.address, COUNT(m.id) AS n FROM contacts c JOIN conversations v ON v.contact_id = c.id
    LEFT JOIN messages m ON m.conversation_id = v.id WHERE c.address LIKE '+4477009009%' GROUP BY c.address ORDER BY c.address`).all());
  const before = count();
  const dry = s.retention.dryRun();
  expect(dry.botOnlyMessages).toBeGreaterThanOrEqual(2);
  expect(dry.handedOffMessages).toBe(0);
  expect(count()).toEqual(before); // the dry run changed nothing

  const done = s.retention.run();
  expect(done.botOnlyMessages).toBe(dry.botOnlyMessages);
  expect(count()).toEqual([
    { address: '+447700900931', n: 0 },
    { address: '+447700900932', n: (before[1] as { n: number }).n },
  ]);

  clock.advance(700 * 24 * 3600_000);
  expect(s.retention.run().handedOffMessages).toBeGreaterThanOrEqual(2);
  expect((count()[1] as { n: number }).n).toBe(0);
  expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
  await s.outbox.stop();
  s.db.close();
});

it('deletes cached machine translations of young people\'s messages after the bot-only period; a kept message keeps its own', async () => {
  const LIBRE = 'http://libretranslate.test';
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const clock = new FixedClock('2026-01-05T10:00:00Z');
  const s = testService({ clock, env: { TRANSLATE_PROVIDER: 'libretranslate', TRANSLATE_URL: LIBRE } });
  try {
    nock(LIBRE).post('/translate', (b: { source: string; target: string }) => b.source === 'fa' && b.target === 'en')
      .reply(200, { translatedText: 'Can someone call me? I need help' });
    const o = await converse(s, '+447700900933', 'sms', 'میشه یکی با من تماس بگیره؟ کمک لازم دارم'); // handed over: kept 730 days
    await settle(s);
    const cached = () => s.db.prepare('SELECT text FROM translations').pluck().all();
    expect(cached()).toEqual(['Can someone call me? I need help']);

    clock.advance(89 * 24 * 3600_000);
    expect(s.retention.dryRun().translations).toBe(0);
    expect(s.retention.run().translations).toBe(0);
    expect(cached()).toHaveLength(1);

    clock.advance(2 * 24 * 3600_000); // past the 90 days of a conversation that never needed a person
    expect(s.retention.dryRun().translations).toBe(1);
    expect(cached()).toHaveLength(1); // the dry run changed nothing
    expect(s.retention.run().translations).toBe(1);
    expect(cached()).toEqual([]);
    // Staff still read the translation kept with the message, for as long as the message itself is kept.
    const kept = s.messages.transcript(o!.conversationId).find((m) => m.direction === 'in');
    expect(kept?.translation).toBe('Can someone call me? I need help');
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
    await s.outbox.stop();
    s.db.close();
  }
});
