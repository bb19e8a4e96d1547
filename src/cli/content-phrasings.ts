/** @module `cli content phrasings [--write]`: the phrasings and gaps managers added from the dashboard; --write puts the phrasings into intents/. */
import { readConfig } from '../config.js';
import { writePhrasings } from '../intents/write-phrasings.js';
import { projectRoot } from '../lib/project-root.js';
import { createContentChangeStore } from '../store/content-change-store.js';
import { openDb } from '../store/db.js';

export function contentPhrasings(args: string[]): number {
  const write = args.includes('--write');
  const db = openDb(readConfig(process.env).databasePath);
  try {
    const changes = createContentChangeStore(db).list();
    const phrasings = changes.filter((c) => c.kind === 'phrasing');
    const out: string[] = [];
    for (const c of changes) {
      out.push(`${c.at.slice(0, 16).replace('T', ' ')}  ${c.staffName.padEnd(24)}  ${c.kind === 'phrasing' ? `phrasing for ${c.intent}: "${c.text}"` : `gap in the offer: ${c.text}`}`);
    }
    if (changes.length === 0) out.push('No phrasings or gaps have been added from the dashboard.');
    if (!write) {
      if (phrasings.length > 0) out.push('', 'Run with --write to add the phrasings to intents/ (then review and commit them).');
      process.stdout.write(`${out.join('\n')}\n`);
      return 0;
    }
    const result = writePhrasings(projectRoot(), phrasings);
    out.push('');
    for (const w of result.written) out.push(`written  ${w.file}: "${w.text}"`);
    for (const s of result.skipped) out.push(`skipped  "${s.text}": ${s.why}`);
    for (const p of result.problems) out.push(`PROBLEM  ${p}`);
    out.push(result.problems.length > 0 ? 'Nothing was written: intents/ is as it was.' : `${result.written.length} phrasings written; content:check passes. Review the diff and commit it.`);
    process.stdout.write(`${out.join('\n')}\n`);
    return result.problems.length > 0 ? 1 : 0;
  } finally {
    db.close();
  }
}
