/** SIGTERM lets the turns in flight finish; logs of the whole run hold no phone numbers and no message text. */
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { AUTH_TOKEN, PUBLIC_BASE_URL, TWILIO_ENV, sid, smsParams, tempDbPath } from '../helpers/test-service.js';
import { startServiceProcess } from '../helpers/service-process.js';

const PATH = '/webhooks/twilio/messages';
const TEXTS = ['my secret question about council tax', 'cn u help wiv my deposit pls', 'i want to end my life'];

describe('graceful shutdown', () => {
  it('finishes every accepted turn before exiting, and never logs numbers or bodies', async () => {
    const databasePath = tempDbPath();
    const running = await startServiceProcess({
      ...TWILIO_ENV, DATABASE_PATH: databasePath, REPLY_CHANNEL: 'fake', FAKE_CHANNEL_FILE: join(dirname(databasePath), 'sent.jsonl'),
      // The longest allowed: this tests that shutdown finishes the work, not that it does so within 10 s on a busy machine.
      SHUTDOWN_TIMEOUT_MS: '120000',
    });
    const senders = Array.from({ length: 40 }, (_, i) => `+447700955${String(i).padStart(3, '0')}`);
    const statuses = await Promise.all(
      senders.map(async (from, i) => {
        const params = smsParams(sid(50_000 + i), from, TEXTS[i % TEXTS.length]!);
        const res = await fetch(`${running.url}${PATH}`, {
          method: 'POST', body: new URLSearchParams(params),
          headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${PATH}`, params) },
        });
        return res.status;
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);

    const db = new Database(databasePath, { readonly: true });
    try {
      const open = db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE (direction = 'in' AND status <> 'processed') OR (direction = 'out' AND status IN ('queued', 'sending'))`).get() as { n: number };
      expect(open.n).toBe(0);
      expect((db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'`).get() as { n: number }).n).toBe(senders.length);
    } finally {
      db.close();
    }

    const logs = running.raw.join('\n');
    expect(running.logs.some((l) => l['msg'] === 'turn' && typeof l['messageSid'] === 'string' && typeof l['conversationId'] === 'number')).toBe(true);
    for (const from of senders) {
      expect(logs).not.toContain(from);
      expect(logs).not.toContain(from.slice(1));
    }
    for (const t of TEXTS) expect(logs).not.toContain(t);
    expect(logs).not.toContain(AUTH_TOKEN);
  }, 300_000);
});
