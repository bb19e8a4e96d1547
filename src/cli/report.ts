/** @module `cli report --from DATE --to DATE [--out DIR]`: the insights report for a period: HTML with charts, and the same figures as JSON. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { readConfig } from '../config.js';
import { buildReport } from '../insights/build-report.js';
import { reportHtml } from '../insights/report-html.js';
import { systemClock } from '../lib/clock.js';
import { createService } from '../service.js';
import { createReportStore } from '../store/report-store.js';
import { parseFlags } from './local-service.js';

export async function reportCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(flags['from'] ?? '') || !date.test(flags['to'] ?? '')) {
    process.stderr.write('usage: npm run cli -- report --from 2026-10-01 --to 2026-12-31 [--out DIR]   (to is inclusive)\n');
    return 64;
  }
  const service = createService({ config: readConfig(process.env), clock: systemClock, logger: pino({ level: 'silent' }) });
  try {
    const to = new Date(Date.parse(`${flags['to']}T00:00:00Z`) + 24 * 3600_000).toISOString().slice(0, 10);
    const report = buildReport(createReportStore(service.db), flags['from']!, to, service.rota.targets);
    const file = join(flags['out'] ?? '.', `offerline-report-${flags['from']}-to-${flags['to']}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    const page = file.replace(/\.json$/, '.html');
    writeFileSync(page, await reportHtml(report));
    process.stdout.write(`Wrote ${page} and ${file}: ${report.topics.length} topics, ${report.unanswered.length} groups of unanswered questions, ${report.hiddenGroups} groups hidden (under 5 young people).\n`);
    return 0;
  } finally {
    service.db.close();
  }
}
