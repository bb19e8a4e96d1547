/** @module Knowledge: the content and the understanding built from content/ and intents/, loaded once. */
import { join } from 'node:path';
import { loadCatalogue, SYSTEM_KEYS, type Catalogue } from './content/catalogue.js';
import type { Understander } from './conversation/understand.js';
import { loadIntents, type IntentSet } from './intents/load-intents.js';
import { ConceptReader } from './intents/concept-reader.js';
import { RiskModel, readRiskExamples } from './safety/risk-model.js';
import { TopicReader } from './intents/read-topic.js';
import { normaliseText } from './intents/normalise-text.js';
import { cldDetect } from './language/cld-detector.js';
import { LanguageDetector } from './language/detect-language.js';
import { projectRoot } from './lib/project-root.js';
import { Bm25Retriever } from './retrieval/bm25-retriever.js';
import { contentPassages } from './retrieval/content-passages.js';
import { RiskScreen } from './safety/screen-risk.js';

export interface Knowledge {
  catalogue: Catalogue;
  understander: Understander;
  /** The intents as loaded, to rebuild the matcher with phrasings added from the dashboard. */
  intents: IntentSet;
}

/** Reads content/ and intents/ and cross-checks them; any problem stops start-up with a list of what to fix. */
export function loadKnowledge(root = projectRoot()): Knowledge {
  const catalogue = loadCatalogue(join(root, 'content'));
  const set = loadIntents(join(root, 'intents'), new Set(catalogue.topics.keys()), new Set(SYSTEM_KEYS));
  // A language can be chosen by its own name as the translation file writes it, too.
  const languageNames = new Map(set.languageNames);
  for (const l of catalogue.languages.values()) {
    for (const n of [l.name, l.englishName]) if (!languageNames.has(normaliseText(n))) languageNames.set(normaliseText(n), [l.code]);
  }
  const topics = TopicReader.fromIntents(set);
  return {
    catalogue,
    intents: set,
    understander: {
      topics,
      retriever: new Bm25Retriever(contentPassages(catalogue), (t) => topics.matcher.normalise(t), set.stopwords),
      commands: set.commands,
      screen: RiskScreen.fromDirectory(join(root, 'intents', 'safety')),
      // Risk examples against everything else: their harmless look-alikes, everyday chat and every topic example.
      riskModel: new RiskModel([
        ...readRiskExamples(join(root, 'intents', 'safety', 'examples')),
        ...set.intents.flatMap((i) => i.examples.map((text) => ({ text, risk: false }))),
      ]),
      person: ConceptReader.fromDirectory(join(root, 'intents', 'person'), ['person']),
      answers: ConceptReader.fromDirectory(join(root, 'intents', 'answers'), ['yes', 'no', 'cancel']),
      followups: ConceptReader.fromDirectory(join(root, 'intents', 'followups'), ['followup']),
      questions: ConceptReader.fromDirectory(join(root, 'intents', 'questions'), ['yes_no', 'open']),
      detector: new LanguageDetector(set.examplesByLanguage, { external: cldDetect }),
      languageNames,
      cardKeyword: 'card21',
    },
  };
}
