/** @module The content pack's quality gate: what `npm run content:check` reports and CI enforces. */
import { RUNTIME_PLACEHOLDERS, type Catalogue } from './catalogue.js';
import { countSegments, nonGsmCharacters } from './count-segments.js';
import { fillPlaceholders } from './render-reply.js';
import type { IntentSet } from '../intents/load-intents.js';

export interface ContentReport {
  errors: string[];
  warnings: string[];
  /** Per topic: segments of the short reply as sent (with the MORE hint) and of the longer answer. */
  segments: Array<{ id: string; short: number; more: number }>;
}

export const LIMITS = { shortSegments: 2, moreSegments: 4, systemSegments: 3, reviewMonths: 12 } as const;

const PLACEHOLDER = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;

/** Checks every entry; `today` decides which review dates are stale. */
export function checkContent(cat: Catalogue, intents: IntentSet, requiredIds: readonly string[], today: Date): ContentReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const segments: ContentReport['segments'] = [];
  const english = cat.system.get('en') ?? {};
  const hint = english['more_hint'] ?? '';

  const checkText = (where: string, text: string, maxSegments: number) => {
    for (const m of text.matchAll(PLACEHOLDER)) {
      if (!(m[1]! in cat.contacts) && !(m[1]! in RUNTIME_PLACEHOLDERS)) errors.push(`${where}: {{${m[1]}}} is not in contacts.yaml`);
    }
    const filled = fillPlaceholders(text, { ...cat.contacts, ...RUNTIME_PLACEHOLDERS });
    const bad = [...new Set(nonGsmCharacters(filled))];
    if (bad.length > 0) errors.push(`${where}: characters outside GSM-7 make it cost 2-3 times more: ${bad.map((c) => JSON.stringify(c)).join(' ')}`);
    const n = countSegments(filled);
    if (n > maxSegments) errors.push(`${where}: ${n} SMS segments, at most ${maxSegments} (${filled.length} characters)`);
    return n;
  };

  for (const id of requiredIds) if (!cat.topics.has(id)) errors.push(`topics/${id}.yaml: required by the contract but missing`);

  const staleBefore = new Date(today);
  staleBefore.setMonth(staleBefore.getMonth() - LIMITS.reviewMonths);
  for (const t of cat.topics.values()) {
    const where = `topics/${t.id}.yaml`;
    const short = checkText(`${where} short (with "${hint}")`, `${t.short.trim()}\n${hint}`, LIMITS.shortSegments);
    const more = checkText(`${where} more`, t.more.trim(), LIMITS.moreSegments);
    segments.push({ id: t.id, short, more });
    const reviewed = new Date(t.reviewed);
    if (Number.isNaN(reviewed.getTime())) errors.push(`${where}: reviewed "${t.reviewed}" is not a date (use YYYY-MM-DD)`);
    else if (reviewed < staleBefore) warnings.push(`${where}: last reviewed ${t.reviewed}, more than ${LIMITS.reviewMonths} months ago`);
    else if (reviewed > today) errors.push(`${where}: reviewed ${t.reviewed} is in the future`);
  }

  for (const [language, messages] of cat.system) {
    for (const [key, text] of Object.entries(messages)) {
      checkText(`system/${language}.yaml ${key}`, text, LIMITS.systemSegments);
    }
  }

  const answered = new Set(intents.intents.filter((i) => i.kind === 'topic').map((i) => i.content));
  for (const t of cat.topics.values()) if (!answered.has(t.id)) warnings.push(`topics/${t.id}.yaml: no intent answers with it (it is reachable only from menus and MORE)`);
  for (const i of intents.intents) if (i.examples.length < 10) warnings.push(`intents/${i.id}.yaml: only ${i.examples.length} examples`);

  return { errors, warnings, segments };
}
