/** @module `cli staff password EMAIL`: set a staff member's console password (from stdin, or a new random one). */
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { readConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { createService } from '../service.js';

const MIN_LENGTH = 12;

export async function staffCommand(args: string[]): Promise<number> {
  const [sub, email] = args;
  if (sub !== 'password' || !email) {
    process.stderr.write('usage: npm run cli -- staff password EMAIL   (type the password, or press Enter for a random one)\n');
    return 64;
  }
  const service = createService({ config: readConfig(process.env), clock: systemClock, logger: pino({ level: 'silent' }) });
  try {
    const staff = service.staff.byEmail(email);
    if (!staff) {
      process.stderr.write(`${email} is not in the rota file's staff list\n`);
      return 1;
    }
    let typed = '';
    if (!process.stdin.isTTY || args.includes('--stdin')) {
      for await (const line of createInterface({ input: process.stdin })) {
        typed = line;
        break;
      }
    }
    const password = typed.trim() || randomBytes(12).toString('base64url');
    if (password.length < MIN_LENGTH) {
      process.stderr.write(`Passwords need at least ${MIN_LENGTH} characters\n`);
      return 1;
    }
    service.staff.setPasswordHash(staff.id, await hash(password));
    service.staff.audit(null, 'password_set', null, { staff: staff.id }, systemClock.now());
    process.stdout.write(typed.trim() ? `Password set for ${staff.email}\n` : `Password for ${staff.email}: ${password}\n`);
    return 0;
  } finally {
    service.db.close();
  }
}
