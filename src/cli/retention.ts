/** @module `cli retention [--dry-run]`: what the daily retention job deletes (or would delete) now. */
import { pino } from 'pino';
import { readConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { createService } from '../service.js';

export function retentionCommand(args: string[]): number {
  const config = readConfig(process.env);
  const service = createService({ config, clock: systemClock, logger: pino({ level: 'silent' }) });
  try {
    const dry = args.includes('--dry-run');
    const r = dry ? service.retention.dryRun() : service.retention.run();
    const p = config.retention;
    process.stdout.write(
      `${dry ? 'Would delete' : 'Deleted'}: ${r.botOnlyMessages} messages of conversations that never needed a person (older than ${p.botOnlyDays} days), ` +
        `${r.handedOffMessages} messages of handed-over conversations (older than ${p.handedOffDays} days), ${r.events} events, ` +
        `${r.auditEntries} audit entries (older than ${p.auditDays} days), ${r.translations} cached machine translations (older than ${p.botOnlyDays} days).\n`,
    );
    return 0;
  } finally {
    service.db.close();
  }
}
