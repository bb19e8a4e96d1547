/** Subject access and erasure: the export holds everything; after erasure nothing is left in the database files. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNodeSync } from '../helpers/child-processes.js';
import { converse } from '../../src/cli/local-service.js';
import { FixedClock } from '../../src/lib/clock.js';
import { importContacts } from '../../src/register/import-contacts.js';
import { settle, tempDbPath, testService } from '../helpers/test-service.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PHONE = '+447700900891';
const SECRET = 'my unusual secret about the flat on zebra crescent';
const LIBRE = 'http://libretranslate.test';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(() => nock.enableNetConnect());

function cli(databasePath: string, ...args: string[]) {
  return runNodeSync(['src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', DATABASE_PATH: databasePath } });
}

describe('data-subject requests', () => {
  it('exports everything held, then erases it so that not even the database file holds it', async () => {
    const databasePath = tempDbPath();
    nock(LIBRE).post('/translate').reply(200, { translatedText: 'zebra crescent translated text' });
    const s = testService({ databasePath, env: { TRANSLATE_PROVIDER: 'libretranslate', TRANSLATE_URL: LIBRE } });
    await converse(s, PHONE, 'sms', SECRET);
    await converse(s, PHONE, 'sms', 'Je voudrais parler à quelqu\'un de zebra crescent svp');
    await converse(s, PHONE, 'whatsapp', 'can i talk to a real person');
    await converse(s, '+447700900892', 'sms', 'someone else entirely');
    await settle(s);
    await s.outbox.stop();
    s.db.close();

    const exported = cli(databasePath, 'contact', 'export', PHONE);
    expect(exported.status).toBe(0);
    const data = JSON.parse(exported.stdout) as { records: Array<{ messages: Array<{ body: string }>; contact: { channel: string } }> };
    expect(data.records.map((r) => r.contact.channel).sort()).toEqual(['sms', 'whatsapp']);
    expect(data.records.flatMap((r) => r.messages.map((m) => m.body))).toContain(SECRET);

    const erased = cli(databasePath, 'contact', 'erase', '07700 900891');
    expect(erased.stdout).toMatch(/Erased everything held about that number \(2 channels\)/);

    for (const file of [databasePath, `${databasePath}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(SECRET)), `${file} still holds the message`).toBe(false);
      expect(bytes.includes(Buffer.from('zebra crescent')), `${file} still holds a translation`).toBe(false);
      expect(bytes.includes(Buffer.from('7700900891')), `${file} still holds the number`).toBe(false);
    }
    const after = JSON.parse(cli(databasePath, 'contact', 'export', PHONE).stdout) as { records: unknown[] };
    expect(after.records).toEqual([]);
    const others = JSON.parse(cli(databasePath, 'contact', 'export', '+447700900892').stdout) as { records: unknown[] };
    expect(others.records).toHaveLength(1);
  }, 240_000);

  it('a WhatsApp user who hides their number is exported and erased by the id the console shows', async () => {
    const databasePath = tempDbPath();
    const bsuid = 'US.13491208655302741918';
    const s = testService({ databasePath });
    await converse(s, bsuid, 'whatsapp', SECRET);
    await settle(s);
    await s.outbox.stop();
    s.db.close();

    const exported = cli(databasePath, 'contact', 'export', `whatsapp:${bsuid}`);
    expect(exported.status).toBe(0);
    const data = JSON.parse(exported.stdout) as { records: Array<{ messages: Array<{ body: string }>; contact: { address: string } }> };
    expect(data.records.map((r) => r.contact.address)).toEqual([bsuid]);
    expect(data.records.flatMap((r) => r.messages.map((m) => m.body))).toContain(SECRET);
    expect(cli(databasePath, 'contact', 'erase', `whatsapp:${bsuid}`).stdout).toMatch(/Erased everything held/);
    expect((JSON.parse(cli(databasePath, 'contact', 'export', `whatsapp:${bsuid}`).stdout) as { records: unknown[] }).records).toEqual([]);
  });
});

const NAME = 'Jordan Quillfeather';
const JORDAN = '+447700900893';
const MORGAN = '+447700900894';
const DUTY_21PLUS_PHONE = '+447700900804';
const MEDIA_URL = `https://api.twilio.com/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages/MM${'1'.repeat(32)}/Media/ME${'2'.repeat(32)}`;

/**
 * Jordan, on the register, is sent the birthday follow-up, sends a photo, asks for a person; the duty PA replies
 * by text from their phone using Jordan's name, claims, notes. Morgan asks for a person too and gets a relayed reply.
 */
async function handedOverWithRelay() {
  const databasePath = tempDbPath();
  const clock = new FixedClock('2026-11-24T11:00:00Z'); // a Tuesday in office hours; Jordan turns 22 today
  const s = testService({ clock, databasePath });
  try {
    importContacts(s.db, s.conversations, `name,phone,date_of_birth,team,channel\n${NAME},07700 900893,2004-11-24,21plus,sms\n`, {
      teams: new Set(s.rota.teams.keys()), languages: new Set(s.knowledge.catalogue.languages.keys()), now: clock.now(),
    });
    expect(s.campaigns.tick()).toBe(1);
    await settle(s);
    clock.advance(5 * 60_000);
    const received = await s.runner.receive({
      providerId: `MM${'3'.repeat(32)}`, channel: 'sms', from: JORDAN, to: '+440000000000', text: '', media: [{ url: MEDIA_URL, contentType: 'image/jpeg' }], receivedAt: clock.now(),
    });
    await s.runner.process(received.conversationId);
    const jordan = (await converse(s, JORDAN, 'sms', 'can i talk to a real person'))!.conversationId;
    const morgan = (await converse(s, MORGAN, 'sms', 'can someone call me back'))!.conversationId;
    await settle(s);
    const codeOf = (id: number) => s.db.prepare('SELECT short_code FROM conversations WHERE id = ?').pluck().get(id) as string;
    await converse(s, DUTY_21PLUS_PHONE, 'sms', `${codeOf(jordan)} Hi ${NAME}, it's Dee. I will call you at 2pm`);
    await converse(s, DUTY_21PLUS_PHONE, 'sms', `${codeOf(morgan)} Hi Morgan, it's Dee. I will call you at 3pm`);
    s.handoffs.note(jordan, s.staff.byEmail('duty.21plus@example.org')!, `${NAME} is worried about rent arrears`);
    s.staff.audit(s.staff.byEmail('manager@example.org')!.id, 'view', jordan, { basis: 'manager' }, clock.now());
    await settle(s);
    return { databasePath, jordanCode: codeOf(jordan), morganCode: codeOf(morgan) };
  } finally {
    await s.outbox.stop();
    s.db.close();
  }
}

describe('data-subject requests about a handed-over conversation', () => {
  it('the export holds media URLs, which PA sent each reply, notes, campaign records and the audit entries about the person', async () => {
    const { databasePath } = await handedOverWithRelay();
    const exported = cli(databasePath, 'contact', 'export', JORDAN);
    expect(exported.status).toBe(0);
    const [record] = (JSON.parse(exported.stdout) as { records: Array<Record<string, unknown>> }).records as Array<{
      messages: Array<{ origin: string; body: string; media: unknown; sent_by: unknown }>;
      notes: Array<{ body: string }>; campaigns: Array<{ campaign: string; status: string }>;
      audit: Array<{ action: string; staff: string | null }>;
    }>;
    expect(record!.messages.find((m) => m.origin === 'young_person' && m.body === '')!.media).toEqual([{ url: MEDIA_URL, contentType: 'image/jpeg' }]);
    expect(record!.messages.find((m) => m.origin === 'pa')).toMatchObject({
      body: `Hi ${NAME}, it's Dee. I will call you at 2pm`, sent_by: { name: 'Dee (21Plus duty PA)', email: 'duty.21plus@example.org' },
    });
    expect(record!.notes.map((n) => n.body)).toEqual([`${NAME} is worried about rent arrears`]);
    expect(record!.campaigns).toMatchObject([{ campaign: 'birthday', status: 'queued' }]);
    expect(record!.audit.map((a) => [a.staff, a.action])).toEqual([
      ['Dee (21Plus duty PA)', 'claim'],
      ['Dee (21Plus duty PA)', 'reply'],
      ['Dee (21Plus duty PA)', 'note'],
      ['Fran (team manager)', 'view'],
    ]);
  }, 240_000);

  it('erasure removes the PA\'s relayed text and the alerts from the staff phone\'s thread, and the notes, audit entries and campaign records', async () => {
    const { databasePath, jordanCode, morganCode } = await handedOverWithRelay();
    const erased = cli(databasePath, 'contact', 'erase', JORDAN);
    expect(erased.stdout).toMatch(/Erased everything held about that number \(1 channel\)/);

    for (const file of [databasePath, `${databasePath}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('Quillfeather')), `${file} still holds the name`).toBe(false);
      expect(bytes.includes(Buffer.from(MEDIA_URL)), `${file} still holds the media URL`).toBe(false);
      expect(bytes.includes(Buffer.from(`code ${jordanCode}`)), `${file} still holds an alert about them`).toBe(false);
    }
    const s = testService({ databasePath });
    try {
      const thread = s.conversations.findOrCreate('sms', DUTY_21PLUS_PHONE, s.clock.now()).id;
      const staffThread = s.messages.transcript(thread).map((m) => m.body);
      expect(staffThread.some((b) => b.includes(jordanCode))).toBe(false);
      // Someone else's relay, its confirmation and their alert stay.
      expect(staffThread).toEqual(expect.arrayContaining([`${morganCode} Hi Morgan, it's Dee. I will call you at 3pm`, `Sent to ${morganCode}.`, expect.stringContaining(`code ${morganCode}`)]));
      expect(s.db.prepare('SELECT COUNT(*) FROM notes').pluck().get()).toBe(0);
      expect(s.db.prepare('SELECT COUNT(*) FROM campaign_sends').pluck().get()).toBe(0);
      expect(s.db.prepare(`SELECT action FROM audit WHERE action NOT IN ('login', 'erasure') ORDER BY id`).pluck().all()).toEqual(['claim', 'reply']); // Morgan's
      expect(s.db.prepare(`SELECT detail FROM audit WHERE action = 'erasure'`).pluck().all()).toEqual([JSON.stringify({ contacts: 1 })]);
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
  }, 240_000);
});
