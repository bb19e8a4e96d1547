/** The report's figures on a seeded database, checked against counts made independently of the report code. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../src/insights/report-html.js';
import { converse } from '../../src/cli/local-service.js';
import { buildReport } from '../../src/insights/build-report.js';
import { FixedClock } from '../../src/lib/clock.js';
import { createReportStore } from '../../src/store/report-store.js';
import { tempDbPath, testService } from '../helpers/test-service.js';

describe('the insights report', () => {
  it('counts what young people asked, groups what went unanswered, and hides groups under five', async () => {
    const clock = new FixedClock('2026-11-24T10:00:00Z');
    const s = testService({ clock, databasePath: tempDbPath() });
    const phone = (i: number) => `+4477009${String(50_000 + i).padStart(5, '0')}`;
    try {
      for (let i = 0; i < 30; i++) await converse(s, phone(i), 'sms', 'do i have to pay council tax');
      for (let i = 30; i < 33; i++) await converse(s, phone(i), 'sms', 'will the council be my guarantor');
      for (let i = 40; i < 46; i++) await converse(s, phone(i), 'whatsapp', `what time does asda close today, my email is jay${i}@gmail.com`);
      for (let i = 50; i < 56; i++) await converse(s, phone(i), 'sms', 'i want to end my life');
      for (let i = 60; i < 65; i++) await converse(s, phone(i), 'sms', 'CARD21');

      const report = buildReport(createReportStore(s.db), '2026-11-23', '2026-11-30', s.rota.targets);
      expect(report.topics.find((t) => t.topic === 'council-tax')).toMatchObject({ messages: 30, youngPeople: 30 });
      expect(report.topics.find((t) => t.topic === 'guarantor')).toBeUndefined(); // 3 people: hidden
      expect(report.topics.find((t) => t.topic === '21plus')).toMatchObject({ youngPeople: 5 }); // the card welcome
      const asda = report.unanswered.find((g) => g.examples.some((e) => e.includes('close today')))!;
      expect(asda).toMatchObject({ messages: 6, youngPeople: 6 });
      expect(asda.examples).toHaveLength(3);
      for (const e of asda.examples) expect(e).toContain('[email]');
      expect(report.handoffs).toEqual([expect.objectContaining({ level: 'urgent', reason: 'suicide', count: 6 })]);
      // Raised on a Tuesday morning and never claimed: none met the urgent targets.
      expect(report.targets).toEqual([{ level: 'urgent', claimTargetMinutes: 5, firstReplyTargetMinutes: 15, inOfficeHours: 6, claimedInTime: 0, repliedInTime: 0, outOfHours: 0 }]);
      expect(report.channels.find((c) => c.channel === 'whatsapp')).toMatchObject({ youngPeople: 6 });
      expect(report.birthdayCard).toEqual({ conversations: 5, askedAboutTopics: 5, handedToAPerson: 0 });
      const people = s.db.prepare(`SELECT COUNT(DISTINCT conversation_id) FROM messages WHERE direction = 'in'`).pluck().get();
      expect(report.perWeek).toEqual([{ week: '2026-11-23', messages: 50, youngPeople: people }]);
      expect(report.hiddenGroups).toBeGreaterThanOrEqual(1);

      // The HTML page, opened in a real browser with JavaScript off: charts are there as drawn SVG.
      const file = join(dirname(tempDbPath()), 'report.html');
      writeFileSync(file, await reportHtml(report));
      const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage({ javaScriptEnabled: false });
        await page.goto(`file://${file}`);
        expect(await page.locator('figure svg').count()).toBe(3);
        expect(await page.locator('#unanswered').textContent()).toContain('[email]');
        expect(await page.locator('#handoffs').textContent()).toContain('suicide');
        expect(await page.locator('#targets').textContent()).toContain('0 of 6 (0%) within 5 min');
        const shot = await page.screenshot({ path: join(dirname(file), 'report.png'), fullPage: true });
        expect(shot.length).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
  }, 60_000);

  it('shows no name, email or street from unanswered messages, in the examples or the shared words', async () => {
    const s = testService({ clock: new FixedClock('2026-11-24T10:00:00Z'), databasePath: tempDbPath() });
    const people = ['jay smith', 'will brown', 'grace okafor', 'sarah jones', 'mark price', 'rose white'];
    try {
      for (const [i, name] of people.entries()) {
        await converse(s, `+4477009${String(70_000 + i).padStart(5, '0')}`, 'sms', `hi its ${name}, what time does the asda on church street close? ${name.replace(' ', '.')}@hotmail.com`);
      }
      const report = buildReport(createReportStore(s.db), '2026-11-23', '2026-11-30', s.rota.targets);
      const group = report.unanswered.find((g) => g.examples.some((e) => e.includes('close')));
      expect(group).toMatchObject({ messages: 6, youngPeople: 6 });
      expect(group!.words.length).toBeGreaterThan(0);
      const table = /<table id="unanswered">[\s\S]*?<\/table>/.exec(await reportHtml(report))?.[0] ?? '';
      expect(table).toContain('[name]');
      const shown = [JSON.stringify(report.unanswered), table].join('\n').toLowerCase();
      for (const word of [...people.flatMap((n) => n.split(' ')), 'church street', 'hotmail']) {
        expect(shown, word).not.toMatch(new RegExp(`\\b${word}\\b`));
      }
      // The question is still readable.
      expect(group!.examples[0]).toMatch(/^hi its \[name\], what time does the \S+ on \[address\] close\? \[email\]$/);
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
  }, 60_000);
});
