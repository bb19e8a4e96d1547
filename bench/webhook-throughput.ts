/**
 * Webhook throughput on loopback with autocannon: the real service (signature check, rate limit, zod, SQLite
 * insert in WAL, TwiML, with turns running on the understanding thread) beside a bare Express 5 endpoint that
 * parses the same form and returns empty TwiML. Both run as their own processes and get the same stream of
 * distinct, signed messages. The ratio is the figure. Also: time from start to ready, and how fast turns go.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import twilio from 'twilio';

const TOKEN = 'bench_token_0123456789abcdef';
const PUBLIC = 'https://offerline.example.org';
const PATH = '/webhooks/twilio/messages';
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 10);
const TEXTS = ['do i have to pay council tax', 'cn u help wiv my deposit', 'hiya', 'got ur card', 'how do i get my birth certificate', 'can i talk to someone'];

/**
 * One distinct message per request from 500 senders, signed as Twilio signs. (A fixed list would be replayed
 * from its start by every connection, so most requests would be duplicates, which skip the turn.)
 */
function distinctMessages(firstSid: number): autocannon.Request[] {
  let n = firstSid;
  return [{
    method: 'POST', path: PATH,
    setupRequest: (req) => {
      const i = n++;
      const params = {
        MessageSid: `SM${i.toString(16).padStart(32, '0')}`, From: `+4477009${String(80_000 + (i % 500)).padStart(5, '0')}`,
        To: '+447700900000', Body: TEXTS[i % TEXTS.length]!, NumMedia: '0', AccountSid: `AC${'0'.repeat(32)}`,
      };
      return {
        ...req, body: new URLSearchParams(params).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${PATH}`, params) },
      };
    },
  }];
}

async function load(url: string, firstSid: number) {
  const r = await autocannon({ url, connections: 10, duration: DURATION, requests: distinctMessages(firstSid) });
  return { reqPerSec: Math.round(r.requests.average), p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bareExpress() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-endpoint.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  const result = await load(`http://127.0.0.1:${port}`, 1);
  child.kill('SIGKILL');
  return result;
}

/** Waits for the service's "listening" log line; logs go to a file, as in production, not back to this process. */
async function listeningPort(logFile: string, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`offerline exited with ${child.exitCode}; see ${logFile}`);
    const line = readFileSync(logFile, 'utf8').split('\n').find((l) => l.includes('"offerline listening"'));
    if (line) return (JSON.parse(line) as { port: number }).port;
    await sleep(10);
  }
}

export async function webhookFigures(root: string) {
  const bare = await bareExpress();

  const dir = mkdtempSync(join(tmpdir(), 'offerline-bench-'));
  const dbPath = join(dir, 'bench.db');
  const logFile = join(dir, 'offerline.log');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_PATH: dbPath,
      TWILIO_AUTH_TOKEN: TOKEN, TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, PUBLIC_BASE_URL: PUBLIC, TWILIO_FROM_NUMBER: '+447700900000',
      REPLY_CHANNEL: 'fake', WEBHOOK_PER_SENDER_PER_MINUTE: '10000',
    },
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
  });
  const url = `http://127.0.0.1:${await listeningPort(logFile, child)}`;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) await sleep(20);
  const startupMs = Math.round(performance.now() - started);
  const service = await load(url, 10_000_000);

  // The backlog the burst left: every message is stored; turns carry on at their own pace behind the acknowledgements.
  const db = new Database(dbPath, { readonly: true });
  const count = db.prepare<[], { stored: number; answered: number }>(
    `SELECT COUNT(*) AS stored, SUM(status <> 'received') AS answered FROM messages WHERE direction = 'in'`,
  );
  const atEnd = count.get()!;
  await sleep(5_000);
  const later = count.get()!;
  db.close();
  child.kill('SIGKILL');
  return {
    bareExpress: bare,
    service,
    throughputRatio: Number((service.reqPerSec / bare.reqPerSec).toFixed(2)),
    startupToReadyMs: startupMs,
    backlog: {
      stored: atEnd.stored,
      answeredDuringLoad: atEnd.answered,
      turnsPerSecondAfterLoad: Math.round((later.answered - atEnd.answered) / 5),
    },
  };
}
