/** @module `cli contact export PHONE` (subject access, JSON) and `cli contact erase PHONE` (erasure). */
import { pino } from 'pino';
import { readConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { ukMobileToE164 } from '../register/import-contacts.js';
import { createService } from '../service.js';
import { createSubjectStore } from '../store/subject-store.js';

/** A phone number, or whatsapp:<id> for a WhatsApp user who hides their number (the id the console shows). */
function addressOf(arg: string): string | null {
  if (/^whatsapp:/i.test(arg)) return arg.slice('whatsapp:'.length).trim() || null;
  return arg.startsWith('+') ? arg.replace(/\s/g, '') : ukMobileToE164(arg);
}

export function contactCommand(args: string[]): number {
  const [sub, phone] = args;
  const address = phone ? addressOf(phone) : null;
  if ((sub !== 'export' && sub !== 'erase') || !address) {
    process.stderr.write('usage: npm run --silent cli -- contact export PHONE   (everything held, as JSON; whatsapp:ID for a WhatsApp user id)\n       npm run cli -- contact erase PHONE\n');
    return 64;
  }
  const service = createService({ config: readConfig(process.env), clock: systemClock, logger: pino({ level: 'silent' }) });
  try {
    const subject = createSubjectStore(service.db);
    if (sub === 'export') {
      process.stdout.write(`${JSON.stringify({ phone: address, exportedAt: systemClock.now().toISOString(), records: subject.export(address) }, null, 2)}\n`);
      return 0;
    }
    const n = subject.erase(address, systemClock.now());
    process.stdout.write(n === 0 ? 'No one with that number is held.\n' : `Erased everything held about that number (${n} channel${n > 1 ? 's' : ''}).\n`);
    return 0;
  } finally {
    service.db.close();
  }
}
