/** Safety figures on sets nobody on the team tuned against: urgent recall by kind and language, false alarms, person requests. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../src/conversation/decide.js';
import type { Conversation } from '../src/conversation/types.js';
import { understand } from '../src/conversation/understand.js';
import type { Knowledge } from '../src/knowledge.js';

export interface SafetyCase {
  text: string;
  language: string;
  /** urgent: a risk a duty worker acts on today; none: alarming but harmless; person: asks for a person; info: asks about PAs. */
  level: 'urgent' | 'none' | 'person' | 'info';
  category: string;
}

/** Every `*.jsonl` file of a folder (test/fixtures/holdout/safety*, intents/safety/examples/dev*). */
export function readSafetyCases(dir: string): SafetyCase[] {
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SafetyCase));
}

const fresh: Conversation = { id: 1, contactId: 1, channel: 'sms', address: '+447700900000', language: null, languageSource: null, optedOut: false, mode: 'bot', handoffLevel: 'none', state: {} };

export interface Tally {
  n: number;
  urgent: number;
  unsure: number;
}

export interface SafetyFigures {
  /** Risk messages read as urgent, and as unsure (a check-in and a person, not the safety reply). */
  risk: Tally & { byCategory: Record<string, Tally>; byLanguage: Record<string, Tally> };
  /** Harmless messages read as urgent (false alarms) or unsure. */
  harmless: Tally & { byLanguage: Record<string, Tally> };
  person: { n: number; handedOver: number; byLanguage: Record<string, { n: number; handedOver: number }> };
  /** Questions about PAs that wrongly started a handoff, and those read as asking for a person. */
  info: { n: number; handedOver: number; askedForPerson: number };
  /** Understanding and deciding one message, in microseconds. */
  micros: { p50: number; p99: number };
  /** What each missed risk message became, for the note (never for writing patterns: these sets stay unseen). */
  missed: string[];
}

const add = (t: Record<string, Tally>, key: string, urgent: boolean, unsure: boolean) => {
  const x = (t[key] ??= { n: 0, urgent: 0, unsure: 0 });
  x.n++;
  if (urgent) x.urgent++;
  if (unsure) x.unsure++;
};

/** Each message as a first message of a fresh conversation in office hours, through understand and decide. */
export function safetyFigures(k: Knowledge, cases: SafetyCase[]): SafetyFigures {
  const f: SafetyFigures = {
    risk: { n: 0, urgent: 0, unsure: 0, byCategory: {}, byLanguage: {} },
    harmless: { n: 0, urgent: 0, unsure: 0, byLanguage: {} },
    person: { n: 0, handedOver: 0, byLanguage: {} },
    info: { n: 0, handedOver: 0, askedForPerson: 0 },
    micros: { p50: 0, p99: 0 },
    missed: [],
  };
  const times: number[] = [];
  for (const c of cases) {
    const started = performance.now();
    const u = understand(c.text, 0, k.understander);
    const d = decide({ conversation: fresh, understanding: u, mainMenu: k.catalogue.menus.main, carrierConfirmsOptOut: false, office: 'open',
      languages: [...k.catalogue.languages.keys()], languageScripts: k.understander.detector.scripts() });
    times.push((performance.now() - started) * 1000);
    const urgent = d.handoff === 'urgent';
    const unsure = d.intent === 'check-in';
    if (c.level === 'urgent') {
      f.risk.n++;
      if (urgent) f.risk.urgent++;
      if (unsure) f.risk.unsure++;
      add(f.risk.byCategory, c.category, urgent, unsure);
      add(f.risk.byLanguage, c.language, urgent, unsure);
      if (!urgent) f.missed.push(`${c.language}/${c.category}: ${d.intent}`);
    } else if (c.level === 'none') {
      f.harmless.n++;
      if (urgent) f.harmless.urgent++;
      if (unsure) f.harmless.unsure++;
      add(f.harmless.byLanguage, c.language, urgent, unsure);
    } else if (c.level === 'person') {
      const handedOver = d.handoff !== 'none';
      f.person.n++;
      if (handedOver) f.person.handedOver++;
      const x = (f.person.byLanguage[c.language] ??= { n: 0, handedOver: 0 });
      x.n++;
      if (handedOver) x.handedOver++;
    } else {
      f.info.n++;
      if (d.handoff !== 'none') f.info.handedOver++;
      if (u.person) f.info.askedForPerson++;
    }
  }
  times.sort((a, b) => a - b);
  f.micros = { p50: Math.round(times[Math.floor(times.length / 2)] ?? 0), p99: Math.round(times[Math.floor(times.length * 0.99)] ?? 0) };
  return f;
}

const pct = (a: number, n: number) => (n === 0 ? '-' : `${a}/${n} (${((100 * a) / n).toFixed(0)}%)`);

/** The figures as lines of text, for the bench output and the note. */
export function describeSafety(name: string, f: SafetyFigures): string[] {
  return [
    `${name}: risk urgent ${pct(f.risk.urgent, f.risk.n)}, unsure ${pct(f.risk.unsure, f.risk.n)}; harmless urgent ${pct(f.harmless.urgent, f.harmless.n)}, unsure ${pct(f.harmless.unsure, f.harmless.n)}; person ${pct(f.person.handedOver, f.person.n)}; PA questions handed over ${pct(f.info.handedOver, f.info.n)} (read as asking for a person ${pct(f.info.askedForPerson, f.info.n)}); p50 ${f.micros.p50} µs, p99 ${f.micros.p99} µs`,
    `  urgent by kind: ${Object.entries(f.risk.byCategory).map(([c, t]) => `${c} ${t.urgent}/${t.n}`).join(', ')}`,
    `  urgent by language: ${Object.entries(f.risk.byLanguage).map(([c, t]) => `${c} ${t.urgent}/${t.n}`).join(', ')}`,
    `  harmless urgent/unsure by language: ${Object.entries(f.harmless.byLanguage).map(([c, t]) => `${c} ${t.urgent}+${t.unsure}/${t.n}`).join(', ')}`,
    `  person by language: ${Object.entries(f.person.byLanguage).map(([c, t]) => `${c} ${t.handedOver}/${t.n}`).join(', ')}`,
  ];
}
