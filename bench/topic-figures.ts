/** Topic understanding on sets nobody on the team tuned against: direct answers, menus, wrong answers, follow-ups, per language. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../src/conversation/decide.js';
import type { Conversation, Decision } from '../src/conversation/types.js';
import { understand } from '../src/conversation/understand.js';
import type { Knowledge } from '../src/knowledge.js';
import type { MatchResult } from '../src/intents/match-intent.js';

export interface TopicCase {
  id: string;
  text: string;
  /** named: says the topic's words; situational: describes a situation; vague: no topic (topic null). */
  style: 'named' | 'situational' | 'vague';
  expect: { language: string; topic: string | null };
}

export interface FollowUpCase {
  id: string;
  language: string;
  topic: string;
  turns: [string, string];
}

/** Every `<language>.jsonl` of test/fixtures/holdout/topics (the follow-ups are read apart). */
export function readTopicCases(dir: string): TopicCase[] {
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== 'followups.jsonl').sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TopicCase));
}

export function readFollowUps(dir: string): FollowUpCase[] {
  return readFileSync(join(dir, 'followups.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FollowUpCase);
}

const fresh: Conversation = { id: 1, contactId: 1, channel: 'sms', address: '+447700900000', language: null, languageSource: null, optedOut: false, mode: 'bot', handoffLevel: 'none', state: {} };

/** What a reader did with a message: answered a topic, offered a menu (topics in order), or neither. */
export interface Outcome {
  answered: string | null;
  menu: string[];
}

export function turn(k: Knowledge, text: string, conversation: Conversation = fresh): Decision {
  const u = understand(text, 0, k.understander);
  return decide({ conversation, understanding: u, mainMenu: k.catalogue.menus.main, carrierConfirmsOptOut: false, office: 'open',
    languages: [...k.catalogue.languages.keys()], languageScripts: k.understander.detector.scripts() });
}

/** The whole pipeline, as `simulate` answers a first message. */
export function ours(k: Knowledge, text: string): Outcome {
  const d = turn(k, text);
  const menu = d.intent === 'menu' ? d.replies.flatMap((r) => r.parts.flatMap((p) => (p.kind === 'menu' ? p.options : []))) : [];
  return { answered: d.topic, menu };
}

/** The example matcher alone, as the service decided before the topic model. */
export function matcherAlone(k: Knowledge, text: string): Outcome {
  const m: MatchResult = k.understander.topics.matcher.match(text);
  const topics = m.ranked.filter((r) => r.kind === 'topic');
  if (m.verdict === 'confident') return { answered: m.ranked[0]!.kind === 'topic' ? m.ranked[0]!.content : null, menu: [] };
  return { answered: null, menu: m.verdict === 'near' ? [...new Set(topics.map((r) => r.content))].slice(0, 3) : [] };
}

export interface Tally {
  n: number;
  /** Answered with the right topic. */
  right: number;
  /** Not answered, but offered a menu with the right topic first. */
  menuFirst: number;
  /** Answered with another topic (for a vague message: answered with any topic). */
  wrong: number;
}

const empty = (): Tally => ({ n: 0, right: 0, menuFirst: 0, wrong: 0 });

export interface TopicFigures {
  all: Tally;
  situational: Tally;
  /** Vague messages (no topic): `right` counts those not answered with a topic. */
  vague: Tally;
  byLanguage: Record<string, Tally>;
  micros: { p50: number; p99: number };
}

/** NLP.js's answer as an outcome: its intent when it names a topic, never a menu (it has none). */
export function nlpjsReader(nlp: { process(lang: string, text: string): Promise<unknown> }) {
  return async (_k: Knowledge, text: string): Promise<Outcome> => {
    const a = (await nlp.process('en', text)) as { intent: string };
    return { answered: a.intent === 'None' || a.intent.startsWith('@') ? null : a.intent, menu: [] };
  };
}

export async function topicFigures(k: Knowledge, cases: readonly TopicCase[], read: (k: Knowledge, text: string) => Outcome | Promise<Outcome>): Promise<TopicFigures> {
  const all = empty(), situational = empty(), vague = empty();
  const byLanguage: Record<string, Tally> = {};
  const times: number[] = [];
  for (const c of cases) {
    const s = performance.now();
    const o = await read(k, c.text);
    times.push(performance.now() - s);
    if (c.expect.topic === null) {
      vague.n++;
      if (o.answered === null) vague.right++;
      else vague.wrong++;
      continue;
    }
    const tallies = [all, (byLanguage[c.expect.language] ??= empty()), ...(c.style === 'situational' ? [situational] : [])];
    for (const t of tallies) {
      t.n++;
      if (o.answered === c.expect.topic) t.right++;
      else if (o.answered !== null) t.wrong++;
      else if (o.menu[0] === c.expect.topic) t.menuFirst++;
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 1000);
  return { all, situational, vague, byLanguage, micros: { p50: at(0.5), p99: at(0.99) } };
}

/** Two-turn conversations: the follow-up ("how much?") must be answered for the first turn's topic. */
export function followUpFigures(k: Knowledge, cases: readonly FollowUpCase[]): { n: number; firstRight: number; followUpRight: number; byLanguage: Record<string, string> } {
  let firstRight = 0, followUpRight = 0;
  const byLanguage: Record<string, [number, number]> = {};
  for (const c of cases) {
    const first = turn(k, c.turns[0]);
    if (first.topic === c.topic) firstRight++;
    // The second turn starts from what the first left, as the service stores it (a wrong first turn counts against both).
    const second = turn(k, c.turns[1], { ...fresh, language: first.language, languageSource: first.languageSource ?? 'detected', state: first.state });
    const t = (byLanguage[c.language] ??= [0, 0]);
    t[1]++;
    if (second.topic === c.topic) {
      followUpRight++;
      t[0]++;
    }
  }
  return { n: cases.length, firstRight, followUpRight, byLanguage: Object.fromEntries(Object.entries(byLanguage).map(([l, [r, n]]) => [l, `${r}/${n}`])) };
}

const pct = (a: number, n: number) => `${a}/${n} (${n === 0 ? 0 : Math.round((100 * a) / n)}%)`;

/** Lines for the bench report. */
export function describeTopics(name: string, f: TopicFigures): string[] {
  const { all, situational, vague } = f;
  return [
    `${name}: right ${pct(all.right, all.n)}, right or right-first menu ${pct(all.right + all.menuFirst, all.n)}, wrong ${pct(all.wrong, all.n)}; ` +
      `situational right ${pct(situational.right, situational.n)}; vague not answered ${pct(vague.right, vague.n)}; p50 ${f.micros.p50} us, p99 ${f.micros.p99} us`,
    `  by language (right / right or menu-first / wrong): ${Object.entries(f.byLanguage).map(([l, t]) => `${l} ${t.right}/${t.right + t.menuFirst}/${t.wrong} of ${t.n}`).join(', ')}`,
  ];
}
