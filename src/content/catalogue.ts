/** @module Loads content/ (topics, system messages, menus, local contacts) into a validated, read-only catalogue. */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const topicSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case words joined by hyphens'),
  title: z.string().min(1),
  short: z.string().min(1),
  more: z.string().min(1),
  for: z.string().min(1),
  contact: z.string().min(1),
  sources: z.array(z.string().min(1)).min(1),
  reviewed: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)),
  related: z.array(z.string()).default([]),
});

export type TopicEntry = z.infer<typeof topicSchema>;

const menusSchema = z.object({ main: z.array(z.string()).min(2).max(9), card: z.array(z.string()).max(9).default([]), languages: z.array(z.string()).default([]) });

const translationSchema = z.object({
  language: z.string().min(2),
  name: z.string().min(1),
  english_name: z.string().min(1),
  direction: z.enum(['ltr', 'rtl']).default('ltr'),
  reviewed_by_person: z.boolean().default(false),
  system: z.record(z.string(), z.string()).default({}),
  topics: z.record(z.string(), z.object({ title: z.string().min(1).optional(), short: z.string().min(1), more: z.string().min(1), reviewed_by_person: z.boolean().optional() })).default({}),
  /** The safety replies of content/safety.yaml, by kind. */
  safety: z.record(z.string(), z.string().min(1)).default({}),
});

/** The kinds of safety reply; each category of risk names one (intents/safety/_categories.yaml). */
export const SAFETY_KINDS = ['suicide', 'medical', 'domestic_abuse', 'sexual_abuse', 'exploitation', 'homeless', 'danger', 'check_in'] as const;
export type SafetyKind = (typeof SAFETY_KINDS)[number];
const safetySchema = z.object({
  replies: z.record(z.enum(SAFETY_KINDS), z.object({ text: z.string().min(1), sources: z.array(z.string().min(1)).min(1) })),
  reviewed: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)),
});

export interface LanguageInfo {
  code: string;
  /** In its own script, for the LANGUAGE menu. */
  name: string;
  englishName: string;
  direction: 'ltr' | 'rtl';
}

export interface TopicTranslation {
  /** The menu label; English when missing. */
  title?: string;
  short: string;
  more: string;
  /** A fluent person has checked it; unreviewed text is still sent, and content:check reports it. */
  reviewed: boolean;
}

export interface Catalogue {
  topics: ReadonlyMap<string, TopicEntry>;
  /** The languages replies can be written in, English first, in a stable order. */
  languages: ReadonlyMap<string, LanguageInfo>;
  /** Topic answers by language (not English, which is `topics`), then topic id. */
  translations: ReadonlyMap<string, ReadonlyMap<string, TopicTranslation>>;
  /** Whether each language's system messages were checked by a fluent person. */
  systemReviewed: ReadonlyMap<string, boolean>;
  /** System messages by language, then key (greeting, stop_confirm, ...). */
  system: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Safety replies by language (English included), then kind. */
  safety: ReadonlyMap<string, Readonly<Partial<Record<SafetyKind, string>>>>;
  /** Where each English safety reply comes from, by kind. */
  safetySources: Readonly<Partial<Record<SafetyKind, string[]>>>;
  menus: { main: string[]; card: string[]; languages: string[] };
  /** Local contact details for {{placeholders}}; an empty value means unknown. */
  contacts: Readonly<Record<string, string>>;
}

export class ContentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Content is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ContentError';
  }
}

/** The system message keys the service uses; every language file must define them or fall back to English. */
export const SYSTEM_KEYS = [
  'greeting', 'thanks', 'card', 'menu', 'menu_prompt', 'fallback', 'did_you_mean', 'more_hint', 'no_more', 'what_need',
  'crisis_open', 'crisis_closed', 'crisis_unknown', 'check_in_thanks', 'safety_net', 'still_open', 'cancel_ask', 'cancel_done', 'cancel_kept',
  'human', 'handoff_waiting', 'stop_confirm', 'start_confirm', 'help', 'media_only', 'error',
  'human_out_of_hours', 'handoff_waiting_out_of_hours', 'handed_back', 'alert_urgent', 'alert_routine', 'relay_sent', 'relay_unknown', 'relay_claimed', 'relay_failed', 'relay_opted_out', 'not_understood', 'birthday_followup',
] as const;

/** Placeholders filled at send time rather than from contacts.yaml, with a typical value for length checks. */
export const RUNTIME_PLACEHOLDERS: Readonly<Record<string, string>> = {
  link: 'https://offerline.nottscc.gov.uk/console/conversations/1234',
  code: 'K7Q2',
};

function readYaml(path: string, problems: string[]): unknown {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`${path}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

/** Reads every file under `dir`; throws ContentError listing each problem so an editor can fix them all at once. */
export function loadCatalogue(dir: string): Catalogue {
  const problems: string[] = [];
  const topics = new Map<string, TopicEntry>();
  const topicDir = join(dir, 'topics');
  for (const file of readdirSync(topicDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const raw = readYaml(join(topicDir, file), problems);
    if (raw === undefined) continue;
    const parsed = topicSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `topics/${file}: ${i.path.join('.') || '(file)'}: ${i.message}`));
      continue;
    }
    if (`${parsed.data.id}.yaml` !== file) problems.push(`topics/${file}: id "${parsed.data.id}" does not match the file name`);
    topics.set(parsed.data.id, parsed.data);
  }

  const system = new Map<string, Record<string, string>>();
  const systemDir = join(dir, 'system');
  for (const file of readdirSync(systemDir).filter((f) => f.endsWith('.yaml'))) {
    const raw = readYaml(join(systemDir, file), problems);
    const parsed = z.record(z.string(), z.string()).safeParse(raw);
    if (!parsed.success) {
      problems.push(`system/${file}: every entry must be key: text`);
      continue;
    }
    system.set(file.replace(/\.yaml$/, ''), parsed.data);
  }
  const english = system.get('en');
  if (!english) problems.push('system/en.yaml is missing');
  else for (const key of SYSTEM_KEYS) if (!english[key]) problems.push(`system/en.yaml: "${key}" is missing`);

  const safety = new Map<string, Partial<Record<SafetyKind, string>>>();
  const safetySources: Partial<Record<SafetyKind, string[]>> = {};
  const safetyFile = safetySchema.safeParse(readYaml(join(dir, 'safety.yaml'), problems));
  if (!safetyFile.success) problems.push(...safetyFile.error.issues.map((i) => `safety.yaml: ${i.path.join('.') || '(file)'}: ${i.message}`));
  else {
    safety.set('en', Object.fromEntries(Object.entries(safetyFile.data.replies).map(([k, v]) => [k, v.text])));
    for (const [k, v] of Object.entries(safetyFile.data.replies)) safetySources[k as SafetyKind] = v.sources;
    for (const kind of SAFETY_KINDS) if (!safetyFile.data.replies[kind]) problems.push(`safety.yaml: the "${kind}" reply is missing`);
  }
  const languages = new Map<string, LanguageInfo>([['en', { code: 'en', name: 'English', englishName: 'English', direction: 'ltr' }]]);
  const translations = new Map<string, Map<string, TopicTranslation>>();
  const systemReviewed = new Map<string, boolean>([['en', true]]);
  const translationDir = join(dir, 'translations');
  const translationFiles = existsSync(translationDir) ? readdirSync(translationDir).filter((f) => f.endsWith('.yaml')).sort() : [];
  for (const file of translationFiles) {
    const parsed = translationSchema.safeParse(readYaml(join(translationDir, file), problems));
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `translations/${file}: ${i.path.join('.') || '(file)'}: ${i.message}`));
      continue;
    }
    const t = parsed.data;
    if (`${t.language}.yaml` !== file) problems.push(`translations/${file}: language "${t.language}" does not match the file name`);
    languages.set(t.language, { code: t.language, name: t.name, englishName: t.english_name, direction: t.direction });
    system.set(t.language, { ...system.get(t.language), ...t.system });
    systemReviewed.set(t.language, t.reviewed_by_person);
    safety.set(t.language, t.safety);
    for (const kind of Object.keys(t.safety)) if (!(SAFETY_KINDS as readonly string[]).includes(kind)) problems.push(`translations/${file}: safety "${kind}" is not a kind of safety reply`);
    const byTopic = new Map<string, TopicTranslation>();
    for (const [id, entry] of Object.entries(t.topics)) {
      byTopic.set(id, { title: entry.title, short: entry.short, more: entry.more, reviewed: entry.reviewed_by_person ?? t.reviewed_by_person });
    }
    translations.set(t.language, byTopic);
  }

  const menus = menusSchema.safeParse(readYaml(join(dir, 'menus.yaml'), problems));
  if (!menus.success) problems.push('menus.yaml: "main" must list 2 to 9 topic ids');
  else {
    for (const id of [...menus.data.main, ...menus.data.card]) if (!topics.has(id)) problems.push(`menus.yaml: "${id}" is not a topic`);
    for (const code of menus.data.languages) if (!languages.has(code)) problems.push(`menus.yaml: language "${code}" has no translation file`);
  }

  const contactsPath = join(dir, 'contacts.yaml');
  const contacts = existsSync(contactsPath)
    ? z.record(z.string(), z.string().nullable().transform((v) => v ?? '')).safeParse(readYaml(contactsPath, problems))
    : { success: true as const, data: {} };
  if (!contacts.success) problems.push('contacts.yaml: every entry must be name: "value" (or "" when unknown)');

  for (const t of topics.values()) {
    for (const r of t.related) if (!topics.has(r)) problems.push(`topics/${t.id}.yaml: related "${r}" is not a topic`);
  }
  for (const [language, byTopic] of translations) {
    for (const id of byTopic.keys()) if (!topics.has(id)) problems.push(`translations/${language}.yaml: "${id}" is not a topic`);
  }

  if (problems.length > 0) throw new ContentError(problems);
  // The LANGUAGE menu's order: menus.yaml first, then any other language with a translation file.
  const order = [...(menus.data?.languages ?? []), ...languages.keys()];
  const ordered = new Map([...new Set(order)].filter((c) => languages.has(c)).map((c) => [c, languages.get(c)!]));
  return {
    topics,
    languages: ordered,
    translations,
    systemReviewed,
    safety,
    safetySources,
    system,
    menus: menus.data!,
    contacts: contacts.data ?? {},
  };
}
