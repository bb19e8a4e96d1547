/** @module `npm run content:check`: validates content/ and intents/ and prints a report; exit 1 on errors. */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadCatalogue, SYSTEM_KEYS } from '../content/catalogue.js';
import { checkContent } from '../content/check-content.js';
import { loadIntents } from '../intents/load-intents.js';
import { projectRoot } from '../lib/project-root.js';

export function contentCheck(): number {
  const root = projectRoot();
  let report;
  try {
    const catalogue = loadCatalogue(join(root, 'content'));
    const intents = loadIntents(join(root, 'intents'), new Set(catalogue.topics.keys()), new Set(SYSTEM_KEYS));
    const required = (parse(readFileSync(join(root, 'content', 'required.yaml'), 'utf8')) as { ids: string[] }).ids;
    report = checkContent(catalogue, intents, required, new Date());
  } catch (err) {
    process.stdout.write(`${(err as Error).message}\n`);
    return 1;
  }
  const { errors, warnings, segments, languages } = report;
  const mean = segments.reduce((s, x) => s + x.short, 0) / segments.length;
  const lines = [
    `${segments.length} topics; short replies ${mean.toFixed(2)} SMS segments on average, at most ${Math.max(...segments.map((s) => s.short))}`,
    ...(languages.length > 0
      ? [
          'translations (language: topics translated, reviewed by a person; system messages; short answer SMS segments mean/max):',
          ...languages.map((l) => `  ${l.language.padEnd(4)} topics ${l.topics.padStart(5)}, reviewed ${String(l.topicsReviewed).padStart(2)}; system ${l.system}${l.systemReviewed ? ' reviewed' : ' not reviewed'}; segments ${l.shortSegmentsMean}/${l.shortSegmentsMax}`),
        ]
      : []),
    ...errors.map((e) => `ERROR   ${e}`),
    ...warnings.map((w) => `WARNING ${w}`),
    errors.length === 0 ? `content:check passed (${warnings.length} warnings)` : `content:check failed: ${errors.length} errors`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return errors.length === 0 ? 0 : 1;
}
