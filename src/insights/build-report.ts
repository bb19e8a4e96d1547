/** @module The figures of the insights report for a period, with every group under five young people left out. */
import type { ResponseTargets } from '../handoff/rota.js';
import type { ReportStore } from '../store/report-store.js';
import { anonymise, isShareableWord } from './anonymise.js';

/** No figure about fewer young people than this is shown: small groups could identify someone. */
export const SMALLEST_GROUP = 5;

export interface Report {
  period: { from: string; to: string };
  perWeek: Array<{ week: string; messages: number; youngPeople: number }>;
  topics: Array<{ topic: string; messages: number; youngPeople: number }>;
  unanswered: Array<{ words: string[]; messages: number; youngPeople: number; examples: string[] }>;
  languages: Array<{ language: string; youngPeople: number }>;
  channels: Array<{ channel: string; youngPeople: number }>;
  handoffs: Array<{ level: string; reason: string; count: number; medianMinutesToClaim: number | null; medianMinutesToFirstReply: number | null }>;
  /** Handoffs raised while the office was open, against the service's targets; out-of-hours ones counted apart. */
  targets: Array<{
    level: 'urgent' | 'routine'; claimTargetMinutes: number; firstReplyTargetMinutes: number;
    inOfficeHours: number; claimedInTime: number; repliedInTime: number; outOfHours: number;
  }>;
  optOuts: number | null;
  birthdayCard: { conversations: number; askedAboutTopics: number; handedToAPerson: number } | null;
  hiddenGroups: number;
}

const median = (xs: number[]) => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!);
const STOP = new Set(['i', 'a', 'the', 'to', 'my', 'me', 'you', 'u', 'and', 'of', 'for', 'is', 'it', 'can', 'do', 'get', 'in', 'on', 'what', 'how', 'im', 'pls', 'please']);
const words = (text: string) => new Set(text.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter((w) => w.length > 2 && !STOP.has(w)));

/** Builds the figures; `from` inclusive, `to` exclusive, both ISO dates. */
export function buildReport(store: ReportStore, from: string, to: string, targets: ResponseTargets): Report {
  const p = { from, to };
  let hidden = 0;
  const keep = <T extends { youngPeople: number }>(rows: T[]) => rows.filter((r) => (r.youngPeople >= SMALLEST_GROUP ? true : (hidden++, false)));

  const turns = store.turns(p).map((t) => ({ ...t, decision: JSON.parse(t.detail) as { intent: string; topic: string | null } }));
  const byTopic = new Map<string, { messages: number; people: Set<number> }>();
  for (const t of turns) {
    if (!t.decision.topic) continue;
    const g = byTopic.get(t.decision.topic) ?? { messages: 0, people: new Set<number>() };
    g.messages++;
    g.people.add(t.contactId);
    byTopic.set(t.decision.topic, g);
  }

  // Questions not answered, grouped greedily by the words they share (Jaccard at least 0.3).
  const groups: Array<{ words: Set<string>; texts: string[]; people: Set<number> }> = [];
  for (const t of turns.filter((x) => x.decision.intent === 'fallback' || x.decision.intent === 'menu')) {
    const w = words(t.text);
    if (w.size === 0) continue;
    const similar = groups.find((g) => {
      const shared = [...w].filter((x) => g.words.has(x)).length;
      return shared / (w.size + g.words.size - shared) >= 0.3;
    });
    if (similar) {
      similar.texts.push(t.text);
      similar.people.add(t.contactId);
      for (const x of w) similar.words.add(x);
    } else groups.push({ words: w, texts: [t.text], people: new Set([t.contactId]) });
  }

  const countPeople = (key: (t: (typeof turns)[number]) => string) => {
    const m = new Map<string, Set<number>>();
    for (const t of turns) m.set(key(t), (m.get(key(t)) ?? new Set()).add(t.contactId));
    return [...m].map(([k, s]) => ({ k, youngPeople: s.size })).sort((a, b) => b.youngPeople - a.youngPeople);
  };

  const hand = store.handoffs(p);
  const byHandoff = new Map<string, typeof hand>();
  for (const h of hand) byHandoff.set(`${h.level}\u0000${h.reason}`, [...(byHandoff.get(`${h.level}\u0000${h.reason}`) ?? []), h]);
  const minutes = (a: string, b: string | null) => (b ? (new Date(b).getTime() - new Date(a).getTime()) / 60_000 : null);
  const handoffs = [...byHandoff.values()]
    .filter((hs) => (new Set(hs.map((h) => h.contactId)).size >= SMALLEST_GROUP ? true : (hidden++, false)))
    .map((hs) => ({
      level: hs[0]!.level, reason: hs[0]!.reason, count: hs.length,
      medianMinutesToClaim: median(hs.map((h) => minutes(h.raisedAt, h.claimedAt)).filter((x): x is number => x !== null)),
      medianMinutesToFirstReply: median(hs.map((h) => minutes(h.raisedAt, h.firstReplyAt)).filter((x): x is number => x !== null)),
    }));

  // A handoff never claimed (or never answered) did not meet the target.
  const within = (a: string, b: string | null, limit: number) => {
    const m = minutes(a, b);
    return m !== null && m <= limit;
  };
  const againstTargets = (['urgent', 'routine'] as const)
    .map((level) => {
      const hs = hand.filter((h) => h.level === level);
      const open = hs.filter((h) => h.outOfHours === 0);
      const t = targets[level];
      return {
        people: new Set(hs.map((h) => h.contactId)).size,
        row: {
          level, claimTargetMinutes: t.claimMinutes, firstReplyTargetMinutes: t.firstReplyMinutes, inOfficeHours: open.length,
          claimedInTime: open.filter((h) => within(h.raisedAt, h.claimedAt, t.claimMinutes)).length,
          repliedInTime: open.filter((h) => within(h.raisedAt, h.firstReplyAt, t.firstReplyMinutes)).length,
          outOfHours: hs.length - open.length,
        },
      };
    })
    .filter((x) => {
      if (x.people >= SMALLEST_GROUP) return true;
      if (x.people > 0) hidden++;
      return false;
    })
    .map((x) => x.row);

  const optOuts = store.optOuts(p);
  const card = store.cardStarts(p);
  return {
    period: { from, to },
    perWeek: keep(store.perWeek(p)),
    topics: keep([...byTopic].map(([topic, g]) => ({ topic, messages: g.messages, youngPeople: g.people.size }))).sort((a, b) => b.messages - a.messages),
    unanswered: keep(groups.map((g) => ({
      // The shared words come from the raw texts, so they pass the same test as the examples' words.
      words: [...g.words].filter(isShareableWord).slice(0, 6), messages: g.texts.length, youngPeople: g.people.size, examples: g.texts.slice(0, 3).map((t) => anonymise(t)),
    }))).sort((a, b) => b.messages - a.messages),
    languages: keep(countPeople((t) => t.language ?? 'en').map((r) => ({ language: r.k, youngPeople: r.youngPeople }))),
    channels: keep(countPeople((t) => t.channel).map((r) => ({ channel: r.k, youngPeople: r.youngPeople }))),
    handoffs,
    targets: againstTargets,
    optOuts: optOuts >= SMALLEST_GROUP || optOuts === 0 ? optOuts : (hidden++, null),
    birthdayCard: card.length >= SMALLEST_GROUP
      ? { conversations: card.length, askedAboutTopics: card.filter((c) => c.topics > 0).length, handedToAPerson: card.filter((c) => c.handedOff).length }
      : card.length === 0 ? { conversations: 0, askedAboutTopics: 0, handedToAPerson: 0 } : (hidden++, null),
    hiddenGroups: hidden,
  };
}
