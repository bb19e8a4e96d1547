/** @module `cli explain "text"`: how the assistant reads a message, with scores and reasons. */
import { understand } from '../conversation/understand.js';
import { loadKnowledge } from '../service.js';

export function explain(args: string[]): number {
  const text = args.join(' ');
  const { understander } = loadKnowledge();
  const u = understand(text, 0, understander);
  const lines = [
    `message:    ${JSON.stringify(text)}`,
    `normalised: ${JSON.stringify(u.match.normalised)}`,
    `risk:       ${u.risk ? `${u.risk.level} (${u.risk.category}, ${u.risk.language} pattern)` : 'none'}`,
    `command:    ${u.command ?? 'none'}`,
    `verdict:    ${u.match.verdict} (${u.match.why})`,
    'ranked:',
    ...u.match.ranked.map(
      (r, i) => `  ${i + 1}. ${r.intent.padEnd(26)} score ${r.score.toFixed(2).padStart(7)}  coverage ${r.coverage.toFixed(2)}` +
        `${r.keyword ? `  keyword "${r.keyword}"` : ''}  example "${r.example}"`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
