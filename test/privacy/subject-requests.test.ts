/** Subject access and erasure: the export holds everything; after erasure nothing is left in the database files. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNodeSync } from '../helpers/child-processes.js';
import { converse } from '../../src/cli/local-service.js';
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
});
