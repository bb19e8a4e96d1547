/**
 * Webhook throughput on loopback with autocannon: the real service (signature check, zod, SQLite insert in WAL,
 * TwiML, and the turns running behind) beside a bare Express 5 endpoint that parses the same form and returns
 * empty TwiML. The ratio is the figure. Also: time from start to ready.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import express from 'express';
import twilio from 'twilio';

const TOKEN = 'bench_token_0123456789abcdef';
const PUBLIC = 'https://offerline.example.org';
const PATH = '/webhooks/twilio/messages';
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 10);

function signedRequests(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const params = {
      MessageSid: `SM${(3_000_000 + i).toString(16).padStart(32, '0')}`, From: `+4477009${String(80_000 + (i % 500)).padStart(5, '0')}`,
      To: '+447700900000', Body: ['do i have to pay council tax', 'cn u help wiv my deposit', 'hiya'][i % 3]!, NumMedia: '0', AccountSid: `AC${'0'.repeat(32)}`,
    };
    return {
      method: 'POST' as const, path: PATH, body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${PATH}`, params) },
    };
  });
}

async function load(url: string, requests: ReturnType<typeof signedRequests>) {
  const r = await autocannon({ url, connections: 10, duration: DURATION, requests, idReplacement: false });
  return { reqPerSec: Math.round(r.requests.average), p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

export async function webhookFigures(root: string) {
  // The bare endpoint: what Express alone costs for the same form.
  const bare = express();
  bare.post(PATH, express.urlencoded({ extended: false }), (_req, res) => {
    res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
  const bareServer = await new Promise<import('node:http').Server>((resolve) => {
    const s = bare.listen(0, '127.0.0.1', () => resolve(s));
  });
  const bareResult = await load(`http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`, signedRequests(1));
  bareServer.close();

  // The real service as its own process, as it runs in production.
  const dir = mkdtempSync(join(tmpdir(), 'offerline-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_PATH: join(dir, 'bench.db'),
      TWILIO_AUTH_TOKEN: TOKEN, TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, PUBLIC_BASE_URL: PUBLIC, TWILIO_FROM_NUMBER: '+447700900000',
      REPLY_CHANNEL: 'fake', WEBHOOK_PER_SENDER_PER_MINUTE: '10000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"offerline listening"')) resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 20));
  const startupMs = Math.round(performance.now() - started);
  const serviceResult = await load(url, signedRequests(200_000));
  child.kill('SIGTERM');
  return {
    bareExpress: bareResult,
    service: serviceResult,
    throughputRatio: Number((serviceResult.reqPerSec / bareResult.reqPerSec).toFixed(2)),
    startupToReadyMs: startupMs,
  };
}
