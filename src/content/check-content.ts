/** @module The content pack's quality gate: what `npm run content:check` reports and CI enforces. */
import { RUNTIME_PLACEHOLDERS, type Catalogue } from './catalogue.js';
import { countSegments, nonGsmCharacters } from './count-segments.js';
import { fillPlaceholders } from './render-reply.js';
import type { IntentSet } from '../intents/load-intents.js';

export interface LanguageCoverage {
  language: string;
  topics: string;
  topicsReviewed: number;
  system: string;
  systemReviewed: boolean;
  shortSegmentsMean: number;
  shortSegmentsMax: number;
}

export interface ContentReport {
  errors: string[];
  warnings: string[];
  /** Per topic: segments of the short reply as sent (with the MORE hint) and of the longer answer. */
  segments: Array<{ id: string; short: number; more: number }>;
  /** Per translated language: how much is translated and reviewed, and what its answers cost by SMS. */
  languages: LanguageCoverage[];
}

/** English must stay GSM-7; other scripts are UCS-2 (70 characters a segment), so they get more room. */
export const LIMITS = { shortSegments: 2, moreSegments: 4, systemSegments: 3, safetySegments: 3, reviewMonths: 12, translatedShort: 4, translatedMore: 7, translatedSystem: 5 } as const;

/** Messages for staff, always sent in English; translations need not carry them. */
const STAFF_ONLY = new Set(['alert_urgent', 'alert_routine', 'relay_sent', 'relay_unknown', 'relay_claimed', 'relay_failed', 'relay_opted_out']);

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

  for (const [key, text] of Object.entries(english)) checkText(`system/en.yaml ${key}`, text, LIMITS.systemSegments);
  // A safety reply is sent with one line about time: the whole of it, with the longest line, within 3 segments.
  const timeLines = ['crisis_open', 'crisis_closed', 'crisis_unknown'].map((k) => english[k] ?? '');
  const longestLine = timeLines.reduce((a, b) => (b.length > a.length ? b : a), '');
  for (const [kind, text] of Object.entries(cat.safety.get('en') ?? {})) {
    checkText(`safety.yaml ${kind} (with the time line)`, `${text.trim()}\n${longestLine}`, LIMITS.safetySegments);
  }

  const placeholders = (text: string) => new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  /** A translation keeps every {{placeholder}} of the English and adds none; long ones are reported, not refused. */
  const checkTranslated = (where: string, text: string, source: string, maxSegments: number): number => {
    const have = placeholders(text);
    for (const p of placeholders(source)) if (!have.has(p)) errors.push(`${where}: drops {{${p}}} that the English has`);
    for (const p of have) if (!(p in cat.contacts) && !(p in RUNTIME_PLACEHOLDERS)) errors.push(`${where}: {{${p}}} is not in contacts.yaml`);
    const n = countSegments(fillPlaceholders(text, { ...cat.contacts, ...RUNTIME_PLACEHOLDERS }));
    if (n > maxSegments) warnings.push(`${where}: ${n} SMS segments (more than ${maxSegments}); shorten it for SMS`);
    return n;
  };
  const languages: LanguageCoverage[] = [];
  const youngPersonKeys = Object.keys(english).filter((k) => !STAFF_ONLY.has(k));
  for (const [language, info] of cat.languages) {
    if (language === 'en') continue;
    const byTopic = cat.translations.get(language) ?? new Map();
    const system = cat.system.get(language) ?? {};
    const shorts: number[] = [];
    for (const t of cat.topics.values()) {
      const tr = byTopic.get(t.id);
      if (!tr) continue;
      shorts.push(checkTranslated(`translations/${language}.yaml ${t.id} short`, tr.short, t.short, LIMITS.translatedShort));
      checkTranslated(`translations/${language}.yaml ${t.id} more`, tr.more, t.more, LIMITS.translatedMore);
    }
    for (const key of youngPersonKeys) {
      if (system[key]) checkTranslated(`translations/${language}.yaml system ${key}`, system[key], english[key]!, LIMITS.translatedSystem);
    }
    const safety = cat.safety.get(language) ?? {};
    for (const [kind, text] of Object.entries(safety)) {
      checkTranslated(`translations/${language}.yaml safety ${kind}`, text, cat.safety.get('en')?.[kind as keyof typeof safety] ?? '', LIMITS.translatedSystem);
    }
    const missingSafety = Object.keys(cat.safety.get('en') ?? {}).filter((k) => !(k in safety));
    if (missingSafety.length > 0) warnings.push(`translations/${language}.yaml (${info.englishName}): no safety ${missingSafety.join(', ')}; English is sent instead`);
    const missingSystem = youngPersonKeys.filter((k) => !system[k]);
    if (missingSystem.length > 0) warnings.push(`translations/${language}.yaml (${info.englishName}): no ${missingSystem.join(', ')}; English is sent instead`);
    const missingTopics = [...cat.topics.keys()].filter((id) => !byTopic.has(id));
    if (missingTopics.length > 0) warnings.push(`translations/${language}.yaml (${info.englishName}): ${missingTopics.length} topics not translated; English is sent with a note`);
    languages.push({
      language,
      topics: `${byTopic.size}/${cat.topics.size}`,
      topicsReviewed: [...byTopic.values()].filter((t) => t.reviewed).length,
      system: `${youngPersonKeys.length - missingSystem.length}/${youngPersonKeys.length}`,
      systemReviewed: cat.systemReviewed.get(language) ?? false,
      shortSegmentsMean: shorts.length ? Number((shorts.reduce((a, b) => a + b, 0) / shorts.length).toFixed(2)) : 0,
      shortSegmentsMax: shorts.length ? Math.max(...shorts) : 0,
    });
  }

  const answered = new Set(intents.intents.filter((i) => i.kind === 'topic').map((i) => i.content));
  for (const t of cat.topics.values()) if (!answered.has(t.id)) warnings.push(`topics/${t.id}.yaml: no intent answers with it (it is reachable only from menus and MORE)`);
  for (const i of intents.intents) if (i.examples.length < 10) warnings.push(`intents/${i.id}.yaml: only ${i.examples.length} examples`);

  return { errors, warnings, segments, languages };
}
