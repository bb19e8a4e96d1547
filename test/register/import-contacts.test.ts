/** Importing the care leavers register: validation, all-or-nothing, and re-imports that update. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importContacts, parseDate, ukMobileToE164 } from '../../src/register/import-contacts.js';
import { testService } from '../helpers/test-service.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'register', name), 'utf8');

function withService(run: (s: ReturnType<typeof testService>) => void) {
  const s = testService();
  try {
    run(s);
  } finally {
    s.db.close();
  }
}
const rules = (s: ReturnType<typeof testService>) => ({
  teams: new Set(s.rota.teams.keys()), languages: new Set(s.knowledge.catalogue.languages.keys()), now: new Date('2026-11-24T10:00:00Z'),
});
const count = (s: ReturnType<typeof testService>) => (s.db.prepare('SELECT COUNT(*) AS n FROM contacts').get() as { n: number }).n;

describe('importing the register', () => {
  it('adds everyone on a good file, and a second import updates rather than duplicates', () => {
    withService((s) => {
      expect(importContacts(s.db, s.conversations, fixture('good.csv'), rules(s))).toEqual({ added: 3, updated: 0, rejected: [], applied: true });
      const jay = s.db.prepare(`SELECT name, date_of_birth AS dob, team, pa_email AS pa, source FROM contacts WHERE address = '+447700900301'`).get();
      expect(jay).toEqual({ name: 'Jay', dob: '2003-05-14', team: '21plus', pa: 'duty.21plus@example.org', source: 'register' });
      const arabic = s.db.prepare(`SELECT channel, language, language_source AS src FROM contacts WHERE address = '+447700900302'`).get();
      expect(arabic).toEqual({ channel: 'whatsapp', language: 'ar', src: 'chosen' });
      expect(importContacts(s.db, s.conversations, fixture('good.csv'), rules(s))).toMatchObject({ added: 0, updated: 3 });
      expect(count(s)).toBe(3);
    });
  });

  it('rejects bad rows with the row number and reason, and by default imports nothing at all', () => {
    withService((s) => {
      const report = importContacts(s.db, s.conversations, fixture('mixed.csv'), rules(s));
      expect(report.applied).toBe(false);
      expect(report.rejected.map((r) => r.row)).toEqual([3, 4, 5, 6, 7]);
      expect(report.rejected.map((r) => r.reason).join('\n')).toMatch(/not a UK mobile[\s\S]*not a date[\s\S]*team "east"[\s\S]*language "xx"[\s\S]*same phone and channel as row 2/);
      expect(count(s)).toBe(0);
    });
  });

  it('with --skip-invalid imports the good rows and reports the rest', () => {
    withService((s) => {
      const report = importContacts(s.db, s.conversations, fixture('mixed.csv'), rules(s), true);
      expect(report).toMatchObject({ added: 1, applied: true });
      expect(report.rejected).toHaveLength(5);
      expect(count(s)).toBe(1);
    });
  });

  it('reads the ways people write phone numbers and dates', () => {
    expect(ukMobileToE164('07700 900123')).toBe('+447700900123');
    expect(ukMobileToE164('+44 (0)7700-900-123'.replace('(0)', ''))).toBe('+447700900123');
    expect(ukMobileToE164('12345')).toBeNull();
    expect(ukMobileToE164('0115 804 4154')).toBeNull();
    expect(parseDate('05/04/2003')).toBe('2003-04-05');
    expect(parseDate('2003-02-29')).toBeNull();
  });
});
