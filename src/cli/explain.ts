/** @module `cli explain "text"`: how the assistant reads a message, with scores and reasons. */
import { understand } from '../conversation/understand.js';
import { loadKnowledge } from '../knowledge.js';
import { decide } from '../conversation/decide.js';

/** `explain [--after TOPIC] "text"`: with --after, read as the next message after an answer about TOPIC (follow-ups). */
export function explain(args: string[]): number {
  const after = args[0] === '--after' ? args[1] : undefined;
  const text = (after ? args.slice(2) : args).join(' ');
  const { understander, catalogue } = loadKnowledge();
  const u = understand(text, 0, understander);
  const d = decide({
    conversation: { id: 0, contactId: 0, channel: 'sms', address: '', language: null, languageSource: null, optedOut: false, mode: 'bot', handoffLevel: 'none', state: after ? { lastTopic: after } : {} },
    understanding: u, mainMenu: catalogue.menus.main, carrierConfirmsOptOut: false, office: 'open',
    languages: [...catalogue.languages.keys()], languageScripts: understander.detector.scripts(),
  });
  const lines = [
    `message:    ${JSON.stringify(text)}`,
    `answer:     ${d.intent}${d.topic ? ` ${d.topic}` : ''} in ${d.language}, handoff ${d.handoff} (${d.why.join('; ')})`,
    `language:   ${u.language.code ?? 'unknown'}${u.language.confident ? '' : ' (not sure)'} (${u.language.why})`,
    `normalised: ${JSON.stringify(u.match.normalised)}`,
    `risk:       ${u.risk ? `${u.risk.level}, reply kind ${u.risk.kind}: ${u.risk.category} (${u.risk.language}: ${u.risk.concepts.length > 0 ? `concepts ${u.risk.concepts.join(' + ')}` : 'fixed phrase'})` : 'none'}`,
    `person:     ${u.person ? `asks for a person (${u.person.language}: ${u.person.concepts.join(' + ')})` : 'no'}`,
    `answer:     ${Object.entries(u.answer).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'}`,
    `command:    ${u.command ?? 'none'}`,
    `verdict:    ${u.match.verdict}, decided by ${u.match.decidedBy} (${u.match.why})`,
    `model:      ${u.match.model.length > 0 ? u.match.model.slice(0, 3).map((p) => `${p.label} ${p.p.toFixed(2)}`).join(', ') : 'no known words'}`,
    `context:    ${after ? `after ${after}; ` : ''}follow-up ${u.followup ? 'yes' : 'no'}; question ${u.yesNoQuestion ? 'yes/no' : 'open or a statement'}`,
    `retrieval:  ${u.retrieved ? `${u.retrieved.entry} (BM25 ${u.retrieved.score.toFixed(1)}, words ${u.retrieved.coverage.toFixed(2)})` : u.match.verdict === 'none' ? 'nothing clear enough' : 'not needed'}`,
    'ranked:',
    ...u.match.ranked.map(
      (r, i) => `  ${i + 1}. ${r.intent.padEnd(26)} score ${r.score.toFixed(2).padStart(7)}  coverage ${r.coverage.toFixed(2)}  best example ${r.single.toFixed(2)}` +
        `${r.keyword ? `  keyword "${r.keyword}"` : ''}  example "${r.example}"`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
