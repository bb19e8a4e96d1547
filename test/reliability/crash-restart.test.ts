/**
 * The service killed hard (SIGKILL) in the middle of a burst of messages, five times, then restarted:
 * nothing accepted is lost, no turn runs twice, and no reply is sent twice except one caught inside the send call.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { AUTH_TOKEN, PUBLIC_BASE_URL, TWILIO_ENV, sid, smsParams, tempDbPath } from '../helpers/test-service.js';
import { startServiceProcess } from '../helpers/service-process.js';
import { waitFor } from '../helpers/wait-for.js';

const QUESTIONS = ['do i have to pay council tax', 'cn u help wiv my deposit', 'driving lessons?', 'hiya', 'need help with money', 'how do i get my birth certificate', 'i want to end my life'];
const KILLS = 5;
const PER_ROUND = 150;

async function post(url: string, params: Record<string, string>): Promise<number> {
  const path = '/webhooks/twilio/messages';
  try {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      body: new URLSearchParams(params),
      headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, params) },
    });
    return res.status;
  } catch {
    return 0; // the process died under us; Twilio would retry this MessageSid
  }
}

describe('crash and restart', () => {
  it('loses nothing and doubles nothing across five hard kills', async () => {
    const databasePath = tempDbPath();
    const sendsFile = join(dirname(databasePath), 'sends.jsonl');
    const env = { ...TWILIO_ENV, DATABASE_PATH: databasePath, REPLY_CHANNEL: 'fake', FAKE_CHANNEL_FILE: sendsFile };
    const accepted = new Set<string>();
    const unanswered: Array<Record<string, string>> = [];
    let n = 0;

    for (let round = 0; round < KILLS; round++) {
      const running = await startServiceProcess(env);
      // Twilio retries what we did not acknowledge; do the same with the last round's casualties.
      const batch = unanswered.splice(0);
      for (let i = 0; i < PER_ROUND; i++) {
        n += 1;
        batch.push(smsParams(sid(10_000 + n), `+4477009${String(20_000 + (n % 25)).padStart(5, '0')}`, QUESTIONS[n % QUESTIONS.length]!));
      }
      const inFlight = batch.map(async (params) => {
        const status = await post(running.url, params);
        if (status === 200) accepted.add(params['MessageSid']!);
        else unanswered.push(params);
      });
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 60));
      running.child.kill('SIGKILL');
      await running.exited;
      await Promise.all(inFlight);
    }

    // The last start: recovery answers whatever was stored but not processed, and sends whatever was queued.
    const last = await startServiceProcess(env);
    for (const params of unanswered.splice(0)) if ((await post(last.url, params)) === 200) accepted.add(params['MessageSid']!);
    const db = new Database(databasePath, { readonly: true });
    try {
      const pending = () =>
        (db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE (direction = 'in' AND status = 'received') OR (direction = 'out' AND status IN ('queued', 'sending'))`).get() as { n: number }).n;
      // However long recovery takes on this machine: what matters is that it finishes, not how fast.
      await waitFor(() => pending() === 0, { what: 'every stored message answered and every reply sent', limitMs: 180_000 });

      const inbound = db.prepare(`SELECT provider_id AS sid, status FROM messages WHERE direction = 'in'`).all() as Array<{ sid: string; status: string }>;
      const stored = new Set(inbound.map((m) => m.sid));
      expect(accepted.size).toBeGreaterThan(KILLS * PER_ROUND * 0.3);
      for (const s of accepted) expect(stored.has(s), `accepted ${s} was lost`).toBe(true);
      expect(inbound.every((m) => m.status === 'processed')).toBe(true);

      // Every processed message has its replies, and each reply exists once.
      const unansweredTurns = db.prepare(`SELECT COUNT(*) AS n FROM messages i WHERE i.direction = 'in' AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.reply_to = i.id)`).get() as { n: number };
      expect(unansweredTurns.n).toBe(0);
      const outbound = db.prepare(`SELECT id, status FROM messages WHERE direction = 'out'`).all() as Array<{ id: number; status: string }>;
      expect(outbound.every((o) => o.status === 'delivered')).toBe(true);

      const sends = existsSync(sendsFile)
        ? readFileSync(sendsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ref: number; to: string })
        : [];
      const perRef = new Map<number, number>();
      for (const s of sends) perRef.set(s.ref, (perRef.get(s.ref) ?? 0) + 1);
      for (const o of outbound) expect(perRef.get(o.id) ?? 0, `reply ${o.id} was never sent`).toBeGreaterThanOrEqual(1);
      // A resend happens only for a reply caught inside the send call when the process died: at most one per kill.
      const resent = [...perRef.values()].reduce((sum, c) => sum + (c - 1), 0);
      expect(resent).toBeLessThanOrEqual(KILLS);
      if (process.env["CRASH_TEST_VERBOSE"]) console.log({ sent: n, accepted: accepted.size, stored: stored.size, replies: outbound.length, sends: sends.length, resent });

      // Every urgent handoff raised during the burst has its staff alert, queued and sent: none lost to a kill.
      const urgent = db.prepare(`SELECT id, conversation_id AS c FROM handoffs WHERE level = 'urgent'`).all() as Array<{ id: number; c: number }>;
      expect(urgent.length).toBeGreaterThan(0);
      const alerted = new Set((db.prepare(`SELECT detail FROM events WHERE kind = 'handoff.alert'`).all() as Array<{ detail: string }>).map((e) => (JSON.parse(e.detail) as { handoff: number }).handoff));
      for (const h of urgent) expect(alerted.has(h.id), `handoff ${h.id} has no alert`).toBe(true);
      const staffPhone = '+447700900804';
      const alertsSent = sends.filter((s2) => s2.to === staffPhone).length;
      expect(alertsSent).toBeGreaterThanOrEqual(urgent.length);

      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
      last.child.kill('SIGTERM');
      await last.exited;
    }
  }, 480_000);
});
