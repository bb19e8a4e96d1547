/** @module Turns a decided reply plan into the text a young person receives, from content/ only. */
import type { Catalogue } from './catalogue.js';
import type { ReplyPart, ReplyPlan } from '../conversation/types.js';

const PLACEHOLDER = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;

/**
 * Fills {{name}} from the local contacts. A line that needs a value nobody has set is left out whole,
 * so a young person never sees "call  for help".
 */
export function fillPlaceholders(text: string, contacts: Readonly<Record<string, string>>): string {
  return text
    .split('\n')
    .filter((line) => [...line.matchAll(PLACEHOLDER)].every((m) => (contacts[m[1]!] ?? '') !== ''))
    .map((line) => line.replace(PLACEHOLDER, (_, name: string) => contacts[name]!))
    .join('\n');
}

/** A topic's menu label: its translated title where there is one, else the English title. */
function menuLabel(cat: Catalogue, language: string, id: string): string {
  return cat.translations.get(language)?.get(id)?.title ?? cat.topics.get(id)?.title ?? id;
}

/**
 * "Yes, we may pay a deposit..." answers "can I get a deposit"; after "what help is there with a deposit" or a
 * situation told as a statement, the answer starts at what follows. English only: the yes/no reading is English.
 */
function withoutLeadingYes(text: string): string {
  const m = /^Yes[.,!]?\s+(\S)/.exec(text);
  return m ? m[1]!.toUpperCase() + text.slice(m[0].length) : text;
}

function systemText(cat: Catalogue, language: string, key: string): string {
  const own = cat.system.get(language)?.[key];
  if (own !== undefined) return own;
  const english = cat.system.get('en')?.[key];
  if (english === undefined) throw new Error(`system message "${key}" is missing`);
  // Not translated yet: English, with the line in their language that says so (never silently).
  const note = language === 'en' ? undefined : cat.system.get(language)?.['not_translated'];
  return note ? `${note}\n${english}` : english;
}

function renderPart(part: ReplyPart, cat: Catalogue, language: string): string {
  switch (part.kind) {
    case 'system':
      return systemText(cat, language, part.key);
    case 'topic': {
      const entry = cat.topics.get(part.id);
      if (!entry) throw new Error(`topic "${part.id}" is missing`);
      if (language === 'en') return part.part === 'short' ? (part.withoutYes ? withoutLeadingYes(entry.short) : entry.short) : entry.more;
      const translated = cat.translations.get(language)?.get(part.id);
      if (translated) return part.part === 'short' ? translated.short : translated.more;
      // No translation yet: English, with one line in their language saying so, never silently.
      const note = cat.system.get(language)?.['not_translated'];
      return `${note ? `${note}\n` : ''}${part.part === 'short' ? entry.short : entry.more}`;
    }
    case 'safety': {
      const own = cat.safety.get(language)?.[part.reply];
      if (own !== undefined) return own;
      const english = cat.safety.get('en')?.[part.reply];
      if (english === undefined) throw new Error(`safety reply "${part.reply}" is missing`);
      const note = language === 'en' ? undefined : cat.system.get(language)?.['not_translated'];
      return note ? `${note}\n${english}` : english;
    }
    case 'menu':
      return part.options.map((id, i) => `${i + 1} ${menuLabel(cat, language, id)}`).join('\n');
    case 'text':
      return part.text;
    case 'languages': {
      const list = part.codes ? part.codes.map((c) => cat.languages.get(c)).filter((l) => l !== undefined) : [...cat.languages.values()];
      return list.map((l, i) => `${i + 1} ${l.name}`).join('\n');
    }
  }
}

/** The full text of one outbound message. */
export function renderReply(plan: ReplyPlan, cat: Catalogue, language: string): string {
  return plan.parts
    .map((p) => fillPlaceholders(renderPart(p, cat, language).trim(), p.kind === 'system' && p.vars ? { ...cat.contacts, ...p.vars } : cat.contacts))
    .filter((t) => t !== '')
    .join('\n');
}
