/** Processes the tests start: each ends with the test that started it, with its worker, and within a generous limit. */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');

/** The longest a command run to completion may take: generous, since two busy cores can make 5 s into 60. */
export const COMMAND_LIMIT_MS = 180_000;

/** `node` arguments that run TypeScript and end the process once its parent, the test worker, is gone. */
export const NODE_TSX = ['--import', 'tsx', '--import', pathToFileURL(join(import.meta.dirname, 'exit-with-parent.ts')).href];

// One list per worker process, however many test files load this module in it, so one exit handler kills them all.
const KEY = Symbol.for('offerline.test.child-processes');
const shared = globalThis as typeof globalThis & { [KEY]?: Set<ChildProcess> };
const started: Set<ChildProcess> = (shared[KEY] ??= (() => {
  const set = new Set<ChildProcess>();
  // The worker is ending (the run is over, or it failed): nothing it started may outlive it.
  process.once('exit', () => {
    for (const child of set) child.kill('SIGKILL');
  });
  return set;
})());

/** Starts a process that is killed after the current test, whether the test passed or failed. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  started.add(child);
  child.once('exit', () => started.delete(child));
  child.once('error', () => started.delete(child));
  return child;
}

/** Kills every process a test started that is still running, and waits until each has gone. */
export async function stopChildProcesses(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            started.delete(child);
            resolve();
            return;
          }
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

// Registered for every test file that starts processes through this module: a failed test stops what it started.
afterEach(stopChildProcesses);

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end without blocking the worker; killed, and the test failed, past the limit. */
export function runCommand(command: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; limitMs?: number } = {}): Promise<Finished> {
  const child = spawnTracked(command, args, { cwd: o.cwd ?? ROOT, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const limitMs = o.limitMs ?? COMMAND_LIMIT_MS;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish within ${limitMs / 1000} s\n${stdout}\n${stderr}`));
    }, limitMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** `node --import tsx ARGS` from the repository root, to completion, without blocking the worker (the CLI). */
export function runNode(args: string[], o: { env?: NodeJS.ProcessEnv; limitMs?: number } = {}): Promise<Finished> {
  return runCommand(process.execPath, [...NODE_TSX, ...args], { env: o.env ?? { PATH: process.env['PATH'] ?? '' }, limitMs: o.limitMs });
}

/** `node --import tsx ARGS` from the repository root, to completion; a run that hangs is killed at the limit. */
export function runNodeSync(args: string[], options: Partial<SpawnSyncOptionsWithStringEncoding> = {}): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [...NODE_TSX, ...args], {
    cwd: ROOT, timeout: COMMAND_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, ...options, encoding: 'utf8',
  });
  if (r.error) throw new Error(`node ${args.join(' ')} did not finish: ${r.error.message}\n${r.stderr ?? ''}`);
  return r;
}

/** Whether a process is alive: not gone, and not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (name) state ..."; Z is a process that has exited and not been reaped.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}
