/** Understanding figures: topic accuracy, urgency and speed of our pipeline beside NLP.js trained on the same examples. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dockStart } from '@nlpjs/basic';
import { understand } from '../src/conversation/understand.js';
import { loadIntents } from '../src/intents/load-intents.js';
import { SYSTEM_KEYS } from '../src/content/catalogue.js';
import type { Knowledge } from '../src/knowledge.js';
import { turn } from './topic-figures.js';

interface Row {
  text: string;
  expect: { language: string; topic?: string | null; handoff: string };
}

export function readSet(path: string): Row[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
}

export interface SetFigures {
  set: string;
  topicsRight: string;
  topicAccuracy: number;
  wronglyAnswered: number;
  urgentCaught: string;
  falseUrgent: number;
  nlpjsTopicAccuracy: number;
  oursMicros: number;
  nlpjsMicros: number;
}

/** NLP.js (its 'Basic' pipeline, English settings) trained on every example of intents/, for comparison. */
export async function trainNlpjs(k: Knowledge, root: string): Promise<{ process(lang: string, text: string): Promise<unknown> }> {
  const intents = loadIntents(join(root, 'intents'), new Set(k.catalogue.topics.keys()), new Set(SYSTEM_KEYS));
  const quiet = console.log;
  console.log = () => undefined; // NLP.js prints every training epoch
  const dock = await dockStart({ use: ['Basic'], settings: { nlp: { forceNER: false, autoSave: false, log: false } } });
  const nlp = dock.get('nlp');
  nlp.addLanguage('en');
  for (const i of intents.intents) for (const e of i.examples) nlp.addDocument('en', e, i.kind === 'topic' ? i.content : i.kind === 'card' ? '21plus' : `@${i.kind}`);
  await nlp.train();
  console.log = quiet;
  return nlp;
}

export async function understandingFigures(k: Knowledge, root: string, sets: Array<[string, string]>): Promise<SetFigures[]> {
  const nlp = await trainNlpjs(k, root);

  const figures: SetFigures[] = [];
  for (const [name, path] of sets) {
    const rows = readSet(path);
    const topicRows = rows.filter((r) => r.expect.language === 'en' && r.expect.topic !== undefined);
    let right = 0, wrong = 0, nlpRight = 0, oursTime = 0, nlpTime = 0;
    for (const r of topicRows) {
      let s = performance.now();
      const d = turn(k, r.text);
      oursTime += performance.now() - s;
      if (d.topic === r.expect.topic) right++;
      else if (d.topic !== null) wrong++;
      s = performance.now();
      const answer = (await nlp.process('en', r.text)) as { intent: string; score: number };
      nlpTime += performance.now() - s;
      const nlpTopic = answer.intent === 'None' || answer.intent.startsWith('@') ? null : answer.intent;
      if (nlpTopic === (r.expect.topic ?? null)) nlpRight++;
    }
    const urgentRows = rows.filter((r) => r.expect.handoff === 'urgent');
    const calmRows = rows.filter((r) => !r.expect.handoff.includes('urgent'));
    figures.push({
      set: name,
      topicsRight: `${right}/${topicRows.length}`,
      topicAccuracy: Number((right / topicRows.length).toFixed(3)),
      wronglyAnswered: wrong,
      urgentCaught: `${urgentRows.filter((r) => turn(k, r.text).handoff === 'urgent').length}/${urgentRows.length}`,
      falseUrgent: calmRows.filter((r) => turn(k, r.text).handoff === 'urgent').length,
      nlpjsTopicAccuracy: Number((nlpRight / topicRows.length).toFixed(3)),
      oursMicros: Math.round((oursTime / topicRows.length) * 1000),
      nlpjsMicros: Math.round((nlpTime / topicRows.length) * 1000),
    });
  }
  return figures;
}

export interface LanguageFigures {
  language: string;
  messages: number;
  replyLanguageRight: string;
  topicsRight: string;
  detectionShort: string;
  cldAloneShort: string;
}

/**
 * Per curated language, on test/fixtures/languages/<code>.jsonl: the share of replies in the right language and
 * of topics right (first message of a fresh conversation), and language detection on messages of at most six
 * words beside CLD2 used alone.
 */
export function languageFigures(k: Knowledge, dir: string, cld: (text: string) => Array<{ code: string; percent: number }>): LanguageFigures[] {
  const out: LanguageFigures[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const rows = readSet(join(dir, file));
    let lang = 0, topics = 0, topicRows = 0, short = 0, detectRight = 0, cldRight = 0;
    for (const r of rows) {
      const u = understand(r.text, 0, k.understander);
      const d = turn(k, r.text);
      if (d.language === r.expect.language) lang++;
      if (r.expect.topic !== undefined) {
        topicRows++;
        if (d.topic === r.expect.topic) topics++;
      }
      if (r.text.trim().split(/\s+/).length <= 6) {
        short++;
        if (u.language.code === r.expect.language) detectRight++;
        const top = cld(r.text)[0]?.code;
        // CLD2 says "ku" for Kurdish: counted right for either variety.
        if (top === r.expect.language || (top === 'ku' && (r.expect.language === 'ckb' || r.expect.language === 'kmr'))) cldRight++;
      }
    }
    out.push({
      language: file.replace('.jsonl', ''),
      messages: rows.length,
      replyLanguageRight: `${lang}/${rows.length}`,
      topicsRight: `${topics}/${topicRows}`,
      detectionShort: `${detectRight}/${short}`,
      cldAloneShort: `${cldRight}/${short}`,
    });
  }
  return out;
}
