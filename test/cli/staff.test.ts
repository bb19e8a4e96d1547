/** `cli staff password EMAIL` resets a console password and ends that person's sessions, and only theirs. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loginToConsole, type ConsoleClient } from '../helpers/console-client.js';
import { serve, tempDbPath, testService, type Served } from '../helpers/test-service.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OLD = 'the old password, long enough';
const NEW = 'a brand new password for north';
const databasePath = tempDbPath();
let service: ReturnType<typeof testService>;
let served: Served;

beforeAll(async () => {
  service = testService({ databasePath, env: { SESSION_SECRET: 'x'.repeat(40) } });
  for (const email of ['duty.north@example.org', 'duty.central@example.org']) service.staff.setPasswordHash(service.staff.byEmail(email)!.id, await hash(OLD));
  served = await serve(service);
});
afterAll(async () => {
  await served?.close();
  await service?.outbox.stop();
  service?.db.close();
});

/** Runs the CLI as an admin would, against the same database file, with the new password on stdin. */
function resetPassword(email: string, password: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'staff', 'password', email, '--stdin'], {
    cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DATABASE_PATH: databasePath }, stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin!.end(`${password}\n`);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

const loggedIn = async (client: ConsoleClient) => (await client.request('/console')).status === 200;

it('a password reset logs that member of staff out everywhere (even a session written back after it), and nobody else', async () => {
  const north = (await loginToConsole(served, 'duty.north@example.org', OLD)).client;
  const northOnPhone = (await loginToConsole(served, 'duty.north@example.org', OLD)).client;
  const central = (await loginToConsole(served, 'duty.central@example.org', OLD)).client;
  expect(await loggedIn(north)).toBe(true);
  expect(await loggedIn(northOnPhone)).toBe(true);
  const rowsBefore = service.db.prepare('SELECT sid, data, expires_at AS expiresAt FROM staff_sessions').all() as Array<{ sid: string; data: string; expiresAt: string }>;

  const reset = await resetPassword('duty.north@example.org', NEW);
  expect(reset).toEqual({ code: 0, stderr: '' });

  expect(await loggedIn(north)).toBe(false);
  expect(await loggedIn(northOnPhone)).toBe(false);
  expect(await loggedIn(central)).toBe(true);

  // A request that was in flight at the reset saves its session afterwards: it still must not log anyone in.
  const put = service.db.prepare('INSERT OR REPLACE INTO staff_sessions (sid, data, expires_at) VALUES (?, ?, ?)');
  for (const r of rowsBefore) put.run(r.sid, r.data, r.expiresAt);
  expect(await loggedIn(northOnPhone)).toBe(false);
  expect(await loggedIn(central)).toBe(true);

  expect((await loginToConsole(served, 'duty.north@example.org', OLD)).res.status).toBe(401);
  const again = await loginToConsole(served, 'duty.north@example.org', NEW);
  expect(again.res.status).toBe(303);
  expect(await loggedIn(again.client)).toBe(true);
}, 120_000);
