/** Development aid: the rules' figures and every miss with its text and explanation, for a DEVELOPMENT set only (never a held-out one). */
import { join } from 'node:path';
import { decide } from '../src/conversation/decide.js';
import type { Conversation } from '../src/conversation/types.js';
import { understand } from '../src/conversation/understand.js';
import { loadKnowledge } from '../src/knowledge.js';
import type { RiskModel } from '../src/safety/risk-model.js';
import { describeSafety, readSafetyCases, safetyFigures } from './safety-figures.js';

const set = process.argv[2] ?? 'dev4';
if (!/^(dev\d*|everyday)$/.test(set)) throw new Error('only a development set (intents/safety/examples/dev* or everyday) is read for development');
// The rules alone: the risk model is trained on these very messages, so with it every miss would look caught.
const loaded = loadKnowledge();
const k = { ...loaded, understander: { ...loaded.understander, riskModel: { isPossibleRisk: () => false } as unknown as RiskModel } };
const cases = readSafetyCases(join(import.meta.dirname, '..', 'intents', 'safety', 'examples', set));
console.log(describeSafety(set, safetyFigures(k, cases)).join('\n'));
const fresh: Conversation = { id: 1, contactId: 1, channel: 'sms', address: '+447700900000', language: null, languageSource: null, optedOut: false, mode: 'bot', handoffLevel: 'none', state: {} };
for (const c of cases) {
  const u = understand(c.text, 0, k.understander);
  const d = decide({ conversation: fresh, understanding: u, mainMenu: k.catalogue.menus.main, carrierConfirmsOptOut: false, office: 'open',
    languages: [...k.catalogue.languages.keys()], languageScripts: k.understander.detector.scripts() });
  const urgent = d.handoff === 'urgent';
  const bad = (c.level === 'urgent' && !urgent) || (c.level === 'none' && (urgent || d.intent === 'check-in')) || (c.level === 'person' && d.handoff === 'none') || (c.level === 'info' && d.handoff !== 'none');
  if (bad) console.log(`MISS ${c.level}/${c.category} [${c.language}] -> ${d.intent}/${d.handoff} ${u.risk ? `(${u.risk.level} ${u.risk.category} ${u.risk.language}: ${u.risk.concepts.join('+')})` : ''} :: ${c.text}`);
}
