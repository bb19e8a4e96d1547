/** Retention: each kind of data is kept for its own period; the dry run counts without deleting. */
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
