/**
 * Webhook throughput on loopback with autocannon: the real service (signature check, rate limit, zod, SQLite
 * insert in WAL, TwiML, with turns answered on the turn thread) beside a bare Express 5 endpoint that parses the
 * same form and returns empty TwiML. Both run as their own processes and get the same stream of distinct, signed
 * messages. The ratio is the figure, measured two ways:
 * - one core each: the load generator on one core, the server under test (bare, or the whole service, turns
 *   included) on another, so neither server is measured by how much of the load generator's core it takes;
 * - shared: every process on every core, as the operating system places them.
 * Also: time from start to ready, and how many messages were answered during and after the load.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
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
/** The longest a server may take to start: generous, the bench shares the machine; past it the bench fails rather than hangs. */
const START_LIMIT_MS = 120_000;
/** taskset answers at once; a limit all the same, so nothing the bench runs can hang it. */
const TASKSET_LIMIT_MS = 10_000;

/** Servers the bench started: killed when it ends, however it ends, and each ends itself if the bench dies outright. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
const EXIT_WITH_PARENT = pathToFileURL(join(import.meta.dirname, '..', 'test', 'helpers', 'exit-with-parent.ts')).href;

function startChild(command: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  const child = spawn(command, args, options);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Where the server under test runs: on its own core (through taskset), or wherever the OS puts it. */
type Placement = { serverCpu: number | null };

/** A node command, on the server's own core when the placement gives it one. */
function nodeCommand(placement: Placement, args: string[]): [string, string[]] {
  const node = ['--import', 'tsx', '--import', EXIT_WITH_PARENT, ...args];
  return placement.serverCpu === null ? [process.execPath, node] : ['taskset', ['-c', String(placement.serverCpu), process.execPath, ...node]];
}

async function bareExpress(placement: Placement) {
  const [command, args] = nodeCommand(placement, ['bench/bare-endpoint.ts']);
  const child = startChild(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bare endpoint did not start within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
      child.once('exit', (code) => reject(new Error(`bare endpoint exited with ${code}`)));
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      });
    });
    return await load(`http://127.0.0.1:${port}`, 1);
  } finally {
    await stopChild(child);
  }
}

/** Waits for the service's "listening" log line; logs go to a file, as in production, not back to this process. */
async function listeningPort(logFile: string, child: ChildProcess): Promise<number> {
  const end = Date.now() + START_LIMIT_MS;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`offerline exited with ${child.exitCode}; see ${logFile}`);
    const line = readFileSync(logFile, 'utf8').split('\n').find((l) => l.includes('"offerline listening"'));
    if (line) return (JSON.parse(line) as { port: number }).port;
    await sleep(10);
  }
  throw new Error(`offerline did not listen within ${START_LIMIT_MS / 1000} s; see ${logFile}`);
}

async function untilReady(url: string): Promise<void> {
  const end = Date.now() + START_LIMIT_MS;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) {
    if (Date.now() > end) throw new Error(`offerline was not ready within ${START_LIMIT_MS / 1000} s`);
    await sleep(20);
  }
}

async function measure(root: string, placement: Placement) {
  const bare = await bareExpress(placement);

  const dir = mkdtempSync(join(tmpdir(), 'offerline-bench-'));
  const dbPath = join(dir, 'bench.db');
  const logFile = join(dir, 'offerline.log');
  const started = performance.now();
  const [command, args] = nodeCommand(placement, ['src/main.ts']);
  const child = startChild(command, args, {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_PATH: dbPath,
      TWILIO_AUTH_TOKEN: TOKEN, TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, PUBLIC_BASE_URL: PUBLIC, TWILIO_FROM_NUMBER: '+447700900000',
      REPLY_CHANNEL: 'fake', WEBHOOK_PER_SENDER_PER_MINUTE: '10000',
    },
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
  });
  try {
    const url = `http://127.0.0.1:${await listeningPort(logFile, child)}`;
    await untilReady(url);
    const startupMs = Math.round(performance.now() - started);
    const service = await load(url, 10_000_000);

    // The backlog the burst left: every message is stored; turns carry on at their own pace behind the acknowledgements.
    const db = new Database(dbPath, { readonly: true });
    const count = db.prepare<[], { stored: number; answered: number }>(
      `SELECT COUNT(*) AS stored, SUM(status <> 'received') AS answered FROM messages WHERE direction = 'in'`,
    );
    const atEnd = count.get()!;
    // A measuring window (turns a second after the load), not a wait for something to happen.
    await sleep(5_000);
    const later = count.get()!;
    db.close();
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
  } finally {
    await stopChild(child);
  }
}

/** Pins every thread of this process (the load generator) to the given cores. */
const pinSelf = (cpus: string) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore', timeout: TASKSET_LIMIT_MS });

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore', timeout: TASKSET_LIMIT_MS });
    return true;
  } catch {
    return false;
  }
}

export async function webhookFigures(root: string) {
  const cpus = availableParallelism();
  let oneCoreEach: Awaited<ReturnType<typeof measure>> | { skipped: string };
  if (cpus >= 2 && hasTaskset()) {
    pinSelf('0');
    try {
      oneCoreEach = await measure(root, { serverCpu: 1 });
    } finally {
      pinSelf(`0-${cpus - 1}`);
    }
  } else {
    oneCoreEach = { skipped: cpus < 2 ? 'one core only' : 'taskset is not installed' };
  }
  const shared = await measure(root, { serverCpu: null });
  return { oneCoreEach, shared };
}
