/** @module `cli campaigns dry-run [--from DATE] [--to DATE]`: who would be sent what and when; nothing is sent. */
import { pino } from 'pino';
import { readConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { createService } from '../service.js';
import { parseFlags } from './local-service.js';

export function campaignsCommand(args: string[]): number {
  if (args[0] !== 'dry-run') {
    process.stderr.write('usage: npm run cli -- campaigns dry-run [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (default: the next 30 days)\n');
    return 64;
  }
  const flags = parseFlags(args.slice(1));
  const from = flags['from'] ? new Date(`${flags['from']}T00:00:00Z`) : systemClock.now();
  const to = flags['to'] ? new Date(`${flags['to']}T23:59:59Z`) : new Date(from.getTime() + 30 * 24 * 3600_000);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    process.stderr.write('--from and --to take dates like 2027-01-31\n');
    return 64;
  }
  const service = createService({ config: readConfig(process.env), clock: systemClock, logger: pino({ level: 'silent' }) });
  try {
    const plan = service.campaigns.dryRun(from, to);
    for (const p of plan) {
      process.stdout.write(`${p.due.toISOString()}  contact ${p.contactId}  ${p.channel}${p.template ? ' (template)' : ''}  ${p.language}  ${p.skip ? `SKIP: ${p.skip}` : 'send birthday follow-up'}\n`);
    }
    process.stdout.write(`${plan.filter((p) => !p.skip).length} to send, ${plan.filter((p) => p.skip).length} to skip, ${from.toISOString().slice(0, 10)} to ${to.toISOString().slice(0, 10)}\n`);
    return 0;
  } finally {
    service.db.close();
  }
}
