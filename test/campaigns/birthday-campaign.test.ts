/** Birthday follow-ups across a year with a fake clock: once per person per year, on time, skipped when they should be. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { birthdayDue } from '../../src/campaigns/birthday-schedule.js';
import { loadCampaigns } from '../../src/campaigns/campaign-config.js';
import { FixedClock } from '../../src/lib/clock.js';
import { importContacts } from '../../src/register/import-contacts.js';
import { settle, tempDbPath, testService } from '../helpers/test-service.js';

const ROOT = join(import.meta.dirname, '..', '..');
const campaign = loadCampaigns(join(ROOT, 'config', 'campaigns.yaml')).birthday;
const sentTo = (s: ReturnType<typeof testService>, to: string) => s.fake!.sent.filter((m) => m.to === to);

function start(clock: FixedClock, databasePath: string) {
  return testService({ clock, databasePath });
}

describe('the birthday follow-up', () => {
  it('goes once per person per year at the delivery time, moves off Sundays, and skips whoever it should, across restarts and clock changes', async () => {
    const databasePath = tempDbPath();
    const clock = new FixedClock('2026-01-01T00:00:00Z');
    let s = start(clock, databasePath);
    importContacts(s.db, s.conversations, readFileSync(join(ROOT, 'test', 'fixtures', 'register', 'birthdays.csv'), 'utf8'), {
      teams: new Set(s.rota.teams.keys()), languages: new Set(s.knowledge.catalogue.languages.keys()), now: clock.now(),
    });
    s.db.prepare(`UPDATE contacts SET opted_out = 1 WHERE address = '+447700900404'`).run();
    const sends: Array<{ to: string; at: string; body: string }> = [];
    const collect = async () => {
      await settle(s);
      for (const m of s.fake!.sent.splice(0)) sends.push({ to: m.to, at: clock.now().toISOString(), body: m.body });
    };

    // Every hour of 2026; the service restarts on 1 July; on 1 December the clock is put back a month.
    for (let h = 0; h < 365 * 24; h++) {
      clock.advance(3600_000);
      s.campaigns.tick();
      await collect();
      if (clock.now().toISOString() === '2026-07-01T00:00:00.000Z') {
        await s.outbox.stop();
        s.db.close();
        s = start(clock, databasePath);
      }
      if (clock.now().toISOString() === '2026-12-01T00:00:00.000Z') {
        clock.advance(-30 * 24 * 3600_000);
        s.campaigns.tick();
        await collect();
        clock.advance(30 * 24 * 3600_000);
      }
    }

    expect(sends.map((x) => [x.to, x.at])).toEqual([
      ['+447700900401', '2026-03-16T11:00:00.000Z'], // 15 March is a Sunday: Monday at 11:00 (GMT) instead
      ['+447700900403', '2026-11-30T11:00:00.000Z'], // 29 November is a Sunday too
    ]);
    expect(sends[0]!.body).toMatch(/Happy birthday from the 21Plus team/);
    expect(sends[1]!.body).toBe(s.knowledge.catalogue.system.get('ar')!['birthday_followup']); // Arabic, from the register
    const decisions = s.db.prepare(`SELECT c.address, s.status, s.reason FROM campaign_sends s JOIN contacts c ON c.id = s.contact_id ORDER BY c.address`).all();
    expect(decisions).toEqual([
      { address: '+447700900401', status: 'queued', reason: null },
      { address: '+447700900403', status: 'queued', reason: null },
      { address: '+447700900404', status: 'skipped', reason: 'opted out' },
      { address: '+447700900405', status: 'skipped', reason: 'WhatsApp window closed and no approved template configured' },
    ]);
    await s.outbox.stop();
    s.db.close();
  }, 60_000);

  it('is not sent to someone who texted in the last two weeks', async () => {
    const clock = new FixedClock('2026-03-10T12:00:00Z');
    const s = start(clock, tempDbPath());
    try {
      importContacts(s.db, s.conversations, 'phone,date_of_birth\n07700900411,2004-03-12\n', {
        teams: new Set(), languages: new Set(['en']), now: clock.now(),
      });
      s.conversations.noteInbound(s.conversations.findOrCreate('sms', '+447700900411', clock.now()).id, clock.now());
      clock.advance(5 * 24 * 3600_000);
      s.campaigns.tick();
      await settle(s);
      expect(sentTo(s, '+447700900411')).toHaveLength(0);
      expect(s.db.prepare('SELECT reason FROM campaign_sends').pluck().get()).toBe('texted us recently');
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
  });

  it('waits out quiet hours, and in summer time delivers at local time', () => {
    const late = { ...campaign, delivery_time: '22:30' };
    expect(birthdayDue('2004-07-14', 2026, late, 'Europe/London')!.toISOString()).toBe('2026-07-15T08:00:00.000Z'); // 09:00 BST next morning
    expect(birthdayDue('2004-07-14', 2026, campaign, 'Europe/London')!.toISOString()).toBe('2026-07-14T10:00:00.000Z'); // 11:00 BST
    expect(birthdayDue('2000-07-14', 2026, campaign, 'Europe/London')).toBeNull(); // 26: outside 21-24
    expect(birthdayDue('2004-02-29', 2026, campaign, 'Europe/London')!.toISOString()).toBe('2026-02-28T11:00:00.000Z');
  });

  it('a dry run lists who would be sent what and when, and sends nothing', () => {
    const clock = new FixedClock('2026-01-01T00:00:00Z');
    const s = start(clock, tempDbPath());
    try {
      importContacts(s.db, s.conversations, readFileSync(join(ROOT, 'test', 'fixtures', 'register', 'birthdays.csv'), 'utf8'), {
        teams: new Set(s.rota.teams.keys()), languages: new Set(s.knowledge.catalogue.languages.keys()), now: clock.now(),
      });
      const plan = s.campaigns.dryRun(new Date('2026-01-01T00:00:00Z'), new Date('2026-12-31T23:59:00Z'));
      expect(plan.map((p) => [p.due.toISOString().slice(0, 10), p.skip])).toEqual([
        ['2026-02-10', 'WhatsApp window closed and no approved template configured'],
        ['2026-03-16', null],
        ['2026-07-04', null],
        ['2026-11-30', null],
      ]);
      expect(s.db.prepare('SELECT COUNT(*) FROM campaign_sends').pluck().get()).toBe(0);
    } finally {
      s.db.close();
    }
  });
});
