/** Runs the real service as a child process (`src/main.ts`), for tests that kill and restart it; it never outlives its test. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { NODE_TSX, ROOT, spawnTracked } from './child-processes.js';

export interface RunningService {
  url: string;
  child: ChildProcess;
  /** Every log line the process wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Raw stdout and stderr, for tests that look for leaks. */
  raw: string[];
  exited: Promise<number | null>;
}

/**
 * Starts the service and resolves once it is ready (listening and recovery done). The process is killed after the
 * test that started it, passed or failed, and dies with the test worker however the worker ends.
 */
export async function startServiceProcess(env: Record<string, string>): Promise<RunningService> {
  const child = spawnTracked(process.execPath, [...NODE_TSX, 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    createInterface({ input: child.stderr! }).on('line', (l) => raw.push(l));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        raw.push(line);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry['msg'] === 'offerline listening') resolve(entry['port'] as number);
        } catch {
          /* not a log line */
        }
      });
      void exited.then((code) => reject(new Error(`service exited with ${code} before listening: ${raw.join('\n')}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    // Generous: on two busy cores with other test files running, a start that takes 2 s alone can take 20.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
      if (ready) return { url, child, logs, raw, exited };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('service never became ready within 90 s');
  } catch (err) {
    // A start that failed leaves nothing running behind it.
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
}
