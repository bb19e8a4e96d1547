/**
 * Load: 200 signed messages a second for 30 seconds from 500 senders, duplicates mixed in, against the real
 * service process on loopback. Every message stored once, every reply queued once, no 5xx.
 */
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { AUTH_TOKEN, PUBLIC_BASE_URL, TWILIO_ENV, sid, smsParams, tempDbPath } from '../helpers/test-service.js';
import { startServiceProcess } from '../helpers/service-process.js';
import { waitFor } from '../helpers/wait-for.js';

const RATE = 200;
const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 30);
const SENDERS = 500;
const DUPLICATE_SHARE = 0.05;
const TEXTS = ['do i have to pay council tax', 'cn u help wiv my deposit', 'hiya', 'driving lessons?', 'what help is there for care leavers', 'thanks'];
const PATH = '/webhooks/twilio/messages';

describe('load', () => {
  it(`takes ${RATE} messages a second for ${SECONDS} s without losing or doubling any`, async () => {
    const databasePath = tempDbPath();
    const running = await startServiceProcess({
      ...TWILIO_ENV, DATABASE_PATH: databasePath, REPLY_CHANNEL: 'fake', FAKE_CHANNEL_FILE: join(dirname(databasePath), 'sent.jsonl'),
    });
    const statuses = new Map<number, number>();
    const unique = new Set<string>();
    const inFlight: Array<Promise<void>> = [];
    const sent: Array<Record<string, string>> = [];
    const post = async (params: Record<string, string>) => {
      // Like Twilio, a request whose connection failed is sent again (same MessageSid); an HTTP answer is final.
      for (let attempt = 0; attempt < 3; attempt++) {
        const res = await fetch(`${running.url}${PATH}`, {
          method: 'POST', body: new URLSearchParams(params),
          headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${PATH}`, params) },
        }).catch(() => null);
        if (!res) continue;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.arrayBuffer();
        return;
      }
      statuses.set(0, (statuses.get(0) ?? 0) + 1);
    };
    try {
      const started = Date.now();
      let n = 0;
      for (let tick = 0; tick < SECONDS * 20; tick++) {
        // Ten every 50 ms: 200 a second, paced against the wall clock.
        for (let i = 0; i < RATE / 20; i++) {
          const duplicate = sent.length > 0 && Math.random() < DUPLICATE_SHARE;
          const params = duplicate ? sent[Math.floor(Math.random() * sent.length)]! : smsParams(sid(2_000_000 + ++n), `+4477009${String(70_000 + (n % SENDERS)).padStart(5, '0')}`, TEXTS[n % TEXTS.length]!);
          if (!duplicate) sent.push(params);
          unique.add(params['MessageSid']!);
          inFlight.push(post(params));
        }
        const wait = started + (tick + 1) * 50 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await Promise.all(inFlight);

      const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
      expect(fiveHundreds).toBe(0);
      expect(statuses.get(0) ?? 0).toBe(0); // no request unanswered after Twilio-like retries
      expect(statuses.get(200)).toBe(inFlight.length);

      const db = new Database(databasePath, { readonly: true });
      try {
        const pending = () => db.prepare(`SELECT COUNT(*) FROM messages WHERE (direction = 'in' AND status = 'received') OR (direction = 'out' AND status IN ('queued','sending'))`).pluck().get() as number;
        // The backlog drains at this machine's pace; the test waits for it, not for a fixed time.
        await waitFor(() => pending() === 0, { what: 'the backlog to be answered and sent', limitMs: 300_000, everyMs: 100 });
        expect(db.prepare(`SELECT COUNT(*) FROM messages WHERE direction = 'in'`).pluck().get()).toBe(unique.size);
        // Every inbound has its replies, and none has a second set.
        expect(db.prepare(`SELECT COUNT(*) FROM messages i WHERE i.direction = 'in' AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.reply_to = i.id)`).pluck().get()).toBe(0);
        expect(db.prepare(`SELECT COUNT(*) FROM (SELECT reply_to, seq, COUNT(*) c FROM messages WHERE reply_to IS NOT NULL GROUP BY reply_to, seq HAVING c > 1)`).pluck().get()).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  }, 600_000);
});
