/** @module The words a report example may keep: the content's own vocabulary and a common-English list, loaded once. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadCatalogue, SYSTEM_KEYS } from '../content/catalogue.js';
import { loadIntents } from '../intents/load-intents.js';
import { normaliseText } from '../intents/normalise-text.js';
import { projectRoot } from '../lib/project-root.js';

/** All words are as `normaliseText` leaves them: lower case, NFKC, Arabic variants unified, no apostrophes. */
export interface KnownWords {
  /** Words a report example may show: the content's words and the common-English list, less `names`. */
  known: ReadonlySet<string>;
  /** The common-English list alone: everyday words, not the place and service names that content/ also uses. */
  common: ReadonlySet<string>;
  /** Always masked: far more often someone's name than a word in these messages. */
  names: ReadonlySet<string>;
  /** Words that are also names ("will", "rose"): masked where a name is likely (see anonymise.ts). */
  nameLike: ReadonlySet<string>;
}

const namesSchema = z.object({ names: z.array(z.coerce.string()), name_like: z.array(z.coerce.string()) });

const wordsOf = (text: string) => normaliseText(text).split(' ').filter((w) => w !== '');

/**
 * The vocabulary of content/ (topic answers, system and safety replies, translations) and of intents/ (examples,
 * keywords, commands, stop words, spellings), plus content/words/. Not contacts.yaml (phone numbers, a staff
 * email) nor the sources notes, and no word that is only digits: numbers are judged by the anonymiser itself.
 */
export function loadKnownWords(root = projectRoot()): KnownWords {
  const catalogue = loadCatalogue(join(root, 'content'));
  const intents = loadIntents(join(root, 'intents'), new Set(catalogue.topics.keys()), new Set(SYSTEM_KEYS));
  const texts: string[] = [];
  for (const t of catalogue.topics.values()) texts.push(t.title, t.short, t.more, t.for, t.contact);
  for (const byKey of catalogue.system.values()) texts.push(...Object.values(byKey));
  for (const byKind of catalogue.safety.values()) texts.push(...Object.values(byKind).filter((v): v is string => typeof v === 'string'));
  for (const byTopic of catalogue.translations.values()) for (const t of byTopic.values()) texts.push(t.title ?? '', t.short, t.more);
  for (const l of catalogue.languages.values()) texts.push(l.name, l.englishName);
  for (const i of intents.intents) texts.push(...i.examples, ...i.keywords);
  for (const list of Object.values(intents.commands)) texts.push(...list);
  texts.push(...intents.stopwords, ...intents.languageNames.keys());
  for (const [from, to] of intents.spelling.words) texts.push(from, to);

  const content = new Set<string>();
  for (const t of texts) for (const w of wordsOf(t)) if (!/^\d+$/.test(w)) content.add(w);

  const dir = join(root, 'content', 'words');
  const common = new Set(
    readFileSync(join(dir, 'common-english.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')),
  );
  const lists = namesSchema.parse(parse(readFileSync(join(dir, 'names.yaml'), 'utf8')));
  const names = new Set(lists.names.flatMap(wordsOf));
  const nameLike = new Set(lists.name_like.flatMap(wordsOf));
  for (const n of names) common.delete(n);
  const known = new Set([...content, ...common].filter((w) => !names.has(w)));
  return { known, common, names, nameLike };
}

let loaded: KnownWords | undefined;

/** Read on first use and kept: a report anonymises many examples, and the files do not change while running. */
export function knownWords(): KnownWords {
  loaded ??= loadKnownWords();
  return loaded;
}
