/** @module `cli contacts import FILE [--skip-invalid]`: load the care leavers register from a CSV export. */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { readConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { importContacts } from '../register/import-contacts.js';
import { createService } from '../service.js';

export function contactsCommand(args: string[]): number {
  const [sub, file] = args;
  if (sub !== 'import' || !file) {
    process.stderr.write('usage: npm run cli -- contacts import FILE.csv [--skip-invalid]\n' +
      '  columns: phone, date_of_birth, and optionally name, team, pa_email, language, channel (sms or whatsapp)\n');
    return 64;
  }
  const service = createService({ config: readConfig(process.env), clock: systemClock, logger: pino({ level: 'silent' }) });
  try {
    const report = importContacts(service.db, service.conversations, readFileSync(file, 'utf8'), {
      teams: new Set(service.rota.teams.keys()),
      languages: new Set(service.knowledge.catalogue.languages.keys()),
      now: systemClock.now(),
    }, args.includes('--skip-invalid'));
    for (const r of report.rejected) process.stdout.write(`row ${r.row}: ${r.reason}\n`);
    process.stdout.write(
      report.applied
        ? `Imported: ${report.added} added, ${report.updated} updated, ${report.rejected.length} rows rejected.\n`
        : `Nothing imported: fix the ${report.rejected.length} rows above, or run again with --skip-invalid to import the rest.\n`,
    );
    return report.applied ? 0 : 1;
  } finally {
    service.db.close();
  }
}
