/** @module Writes phrasings managers added from the dashboard into intents/, for the content owners to review and commit. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSeq, parseDocument, Scalar } from 'yaml';
import { SYSTEM_KEYS } from '../content/catalogue.js';
import { checkContent } from '../content/check-content.js';
import { loadKnowledge } from '../knowledge.js';
import { loadIntents } from './load-intents.js';
import type { AddedPhrasing } from './topic-reader-with.js';
import { normaliseText } from './normalise-text.js';

/** An added phrasing as the dashboard recorded it: who added it, and when. */
export interface RecordedPhrasing extends AddedPhrasing {
  staffName: string;
  at: string;
}

export interface WriteOutcome {
  written: Array<{ intent: string; text: string; file: string }>;
  /** Already in the file, or for an intent that no longer exists. */
  skipped: Array<{ text: string; why: string }>;
  /** When not empty nothing was written: every file is as it was. */
  problems: string[];
}

/** The file under intents/ that defines each intent id (the top level only: languages/ and safety/ hold no ids). */
function intentFiles(intentsDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(intentsDir)) {
    if (!name.endsWith('.yaml') || name.startsWith('_')) continue;
    const id = parseDocument(readFileSync(join(intentsDir, name), 'utf8')).get('id');
    if (typeof id === 'string') files.set(id, join(intentsDir, name));
  }
  return files;
}

/**
 * Appends each phrasing to its intent's examples, with a comment saying who added it and when, then checks the
 * result as content:check does and reads each phrasing back: it must be understood as the intent it was added
 * to, and must not be a risk message. Any problem puts every file back as it was.
 */
export function writePhrasings(root: string, phrasings: readonly RecordedPhrasing[]): WriteOutcome {
  const intentsDir = join(root, 'intents');
  const files = intentFiles(intentsDir);
  const originals = new Map<string, string>();
  const outcome: WriteOutcome = { written: [], skipped: [], problems: [] };

  for (const p of phrasings) {
    const file = p.intent ? files.get(p.intent) : undefined;
    if (!p.intent || !file) {
      outcome.skipped.push({ text: p.text, why: `intent ${p.intent ?? '(none)'} does not exist any more` });
      continue;
    }
    if (!originals.has(file)) originals.set(file, readFileSync(file, 'utf8'));
    const doc = parseDocument(readFileSync(file, 'utf8'));
    const examples = doc.get('examples');
    if (!isSeq(examples)) {
      outcome.problems.push(`${file}: has no examples list`);
      continue;
    }
    if (examples.items.some((item) => normaliseText(String(item instanceof Scalar ? item.value : item)) === normaliseText(p.text))) {
      outcome.skipped.push({ text: p.text, why: `already an example of ${p.intent}` });
      continue;
    }
    const node = doc.createNode(p.text) as Scalar;
    node.commentBefore = ` added from the dashboard by ${p.staffName}, ${p.at.slice(0, 10)}`;
    examples.items.push(node);
    writeFileSync(file, doc.toString());
    outcome.written.push({ intent: p.intent, text: p.text, file });
  }

  if (outcome.problems.length === 0 && outcome.written.length > 0) {
    try {
      const knowledge = loadKnowledge(root);
      const report = checkContent(knowledge.catalogue, loadIntents(intentsDir, new Set(knowledge.catalogue.topics.keys()), new Set(SYSTEM_KEYS)), [], new Date());
      outcome.problems.push(...report.errors);
      for (const w of outcome.written) {
        if (knowledge.understander.screen.screen(w.text)) outcome.problems.push(`"${w.text}" reads as a risk message: it must not become an example`);
        const read = knowledge.understander.topics.read(w.text).ranked[0]?.intent;
        if (read !== w.intent) outcome.problems.push(`"${w.text}" added to ${w.intent} still reads as ${read ?? 'nothing'}: it is too close to that intent's examples`);
      }
    } catch (err) {
      outcome.problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (outcome.problems.length > 0) {
    for (const [file, text] of originals) writeFileSync(file, text);
    outcome.written = [];
  }
  return outcome;
}
