/** @module Deterministic, explainable intent matching: MiniSearch ranking over examples, plus keyword and coverage checks. */
import MiniSearch from 'minisearch';
import { expandSpelling, normaliseText, stripAccents } from './normalise-text.js';
import type { IntentDef, IntentKind, IntentSet } from './load-intents.js';

export interface IntentScore {
  intent: string;
  kind: IntentKind;
  content: string;
  /** MiniSearch's BM25 score of the best example (with the keyword boost). */
  score: number;
  /** Share of the message's meaningful words (weighted by rarity) that this intent's examples explain, 0..1. */
  coverage: number;
  /** The same share for the single best example of the intent. */
  single: number;
  keyword: string | null;
  example: string;
  /** The blend of coverage and score that orders the candidates. */
  rank: number;
}

export type Verdict = 'confident' | 'near' | 'none';

export interface MatchResult {
  /** The text as matched, after normalising spelling. */
  normalised: string;
  verdict: Verdict;
  /** Best first; at most 5. */
  ranked: IntentScore[];
  why: string;
}

export interface MatchThresholds {
  /** Coverage needed to answer without asking. */
  confident: number;
  /** Coverage needed to offer a "did you mean" menu. */
  near: number;
  /** The runner-up must score below this share of the winner for the winner to be clear. */
  margin: number;
  /** Without a keyword, one example must explain at least this share of the message. */
  single: number;
}

export const DEFAULT_THRESHOLDS: MatchThresholds = { confident: 0.45, near: 0.3, margin: 0.9, single: 0.4 };

interface ExampleDoc {
  id: number;
  text: string;
  intent: string;
}

/** Keyword hits weigh as much as this share of the message's meaning. */
const KEYWORD_COVERAGE = 0.7;
const KEYWORD_BOOST = 1.5;
/** How much BM25 counts next to coverage when ordering candidates. */
const SCORE_SHARE = 0.25;
const UNKNOWN_WORD_WEIGHT = 2;

export class IntentMatcher {
  readonly #search: MiniSearch<ExampleDoc>;
  readonly #byId = new Map<string, IntentDef>();
  readonly #exact = new Map<string, string>();
  /** Keyword phrase (normalised) → the intents it points at; looked up by the message's word n-grams. */
  readonly #keywords = new Map<string, string[]>();
  #longestKeyword = 1;
  /** How many intents use each word: words shared by many intents say little about which one is meant. */
  readonly #intentFrequency = new Map<string, number>();
  readonly #set: IntentSet;
  readonly #thresholds: MatchThresholds;

  constructor(set: IntentSet, thresholds: MatchThresholds = DEFAULT_THRESHOLDS) {
    this.#set = set;
    this.#thresholds = thresholds;
    this.#search = new MiniSearch<ExampleDoc>({
      fields: ['text'],
      storeFields: ['intent', 'text'],
      searchOptions: {
        combineWith: 'OR',
        // Only words no example uses are looked up loosely: typos get one edit in 5-9 letter words, two in
        // longer ones, and prefixes catch "apprentice" for "apprenticeship". Known words match exactly, which
        // keeps a message's matching well under a millisecond.
        fuzzy: (term) => (term.length >= 5 && !this.#intentFrequency.has(term) ? 0.2 : false),
        prefix: (term) => term.length >= 4 && !this.#intentFrequency.has(term),
      },
    });
    const docs: ExampleDoc[] = [];
    for (const def of set.intents) {
      this.#byId.set(def.id, def);
      const vocabulary = new Set<string>();
      for (const example of def.examples) {
        const text = this.normalise(example);
        if (text === '') continue;
        docs.push({ id: docs.length, text, intent: def.id });
        if (!this.#exact.has(text)) this.#exact.set(text, def.id);
        for (const w of text.split(' ')) vocabulary.add(w);
      }
      for (const keyword of def.keywords) {
        const phrase = this.normalise(keyword);
        if (phrase === '') continue;
        const intents = this.#keywords.get(phrase) ?? [];
        if (!intents.includes(def.id)) intents.push(def.id);
        this.#keywords.set(phrase, intents);
        this.#longestKeyword = Math.max(this.#longestKeyword, phrase.split(' ').length);
        for (const w of phrase.split(' ')) vocabulary.add(w);
      }
      for (const w of vocabulary) this.#intentFrequency.set(w, (this.#intentFrequency.get(w) ?? 0) + 1);
    }
    this.#search.addAll(docs);
    this.examplesAsRead = docs.map((d) => ({ text: d.text, label: d.intent }));
  }

  /** Every example as the matcher reads it (normalised, spelling expanded), with its intent: normalising is the slow part of building. */
  readonly examplesAsRead: ReadonlyArray<{ text: string; label: string }>;

  /** The form both examples and messages are compared in. */
  normalise(text: string): string {
    return expandSpelling(stripAccents(normaliseText(text)), this.#set.spelling);
  }

  #weight(word: string, allStop: boolean): number {
    if (!allStop && this.#set.stopwords.has(word)) return 0;
    const df = this.#intentFrequency.get(word);
    // A word no example uses (a shop's name, the weather) weighs more than any known word: it is meaning we do
    // not explain, so a message about something else is not answered on the strength of one shared word.
    return Math.log(1 + this.#set.intents.length / (df ?? 1)) * (df === undefined ? UNKNOWN_WORD_WEIGHT : 1);
  }

  match(text: string): MatchResult {
    // Single digits ("2", "4 u") say nothing about a topic; a bare number is a menu choice, handled before matching.
    const normalised = this.normalise(text).split(' ').filter((w) => !/^\d$/.test(w)).join(' ');
    if (normalised === '') return { normalised, verdict: 'none', ranked: [], why: 'no words' };

    const exact = this.#exact.get(normalised);
    if (exact) {
      const def = this.#byId.get(exact)!;
      const top: IntentScore = { intent: def.id, kind: def.kind, content: def.content, score: Infinity, coverage: 1, single: 1, keyword: null, example: normalised, rank: 1 };
      return { normalised, verdict: 'confident', ranked: [top], why: 'same as an example' };
    }

    const words = normalised.split(' ');
    const allStop = words.every((w) => this.#set.stopwords.has(w));
    const total = words.reduce((sum, w) => sum + this.#weight(w, allStop), 0);

    const best = new Map<string, { score: number; example: string; matched: Set<string>; single: number }>();
    const explains = (terms: Iterable<string>) => [...terms].reduce((sum, w) => sum + this.#weight(w, allStop), 0);
    // Stop words carry no weight in coverage and match most examples; leaving them out of the query keeps the
    // result list short. A message made only of them ("who is this") is searched as it is.
    const query = allStop ? normalised : words.filter((w) => !this.#set.stopwords.has(w)).join(' ');
    for (const r of this.#search.search(query)) {
      const intent = r['intent'] as string;
      const entry = best.get(intent);
      const single = explains(r.queryTerms);
      if (!entry) best.set(intent, { score: r.score, example: r['text'] as string, matched: new Set(r.queryTerms), single });
      else {
        for (const q of r.queryTerms) entry.matched.add(q);
        entry.single = Math.max(entry.single, single);
      }
    }
    const keywordHits = new Map<string, string>();
    // Every run of 1..n words of the message is looked up: thousands of keywords in many languages cost a few
    // dozen map lookups, not thousands of pattern tests.
    for (let i = 0; i < words.length; i++) {
      for (let n = 1; n <= this.#longestKeyword && i + n <= words.length; n++) {
        const phrase = words.slice(i, i + n).join(' ');
        for (const intent of this.#keywords.get(phrase) ?? []) if (!keywordHits.has(intent)) keywordHits.set(intent, phrase);
      }
    }

    const ranked: IntentScore[] = [];
    for (const id of new Set([...best.keys(), ...keywordHits.keys()])) {
      const def = this.#byId.get(id)!;
      const found = best.get(id);
      const explained = found ? explains(found.matched) : 0;
      let coverage = total > 0 ? Math.min(1, explained / total) : 0;
      const single = found && total > 0 ? Math.min(1, found.single / total) : 0;
      const keyword = keywordHits.get(id) ?? null;
      if (keyword) coverage = Math.max(coverage, KEYWORD_COVERAGE + (1 - KEYWORD_COVERAGE) * coverage);
      const score = (found?.score ?? 1) * (keyword ? KEYWORD_BOOST : 1);
      ranked.push({ intent: id, kind: def.kind, content: def.content, score, coverage, single, keyword, example: found?.example ?? keyword ?? '', rank: 0 });
    }
    // Coverage (how much of the message an intent explains) leads; BM25 breaks near-ties. BM25 alone favours
    // whichever intent has the most examples sharing common words such as "care leaver".
    const maxScore = Math.max(...ranked.map((r) => r.score));
    for (const r of ranked) r.rank = r.coverage * (1 - SCORE_SHARE) + SCORE_SHARE * (r.score / maxScore);
    ranked.sort((a, b) => b.rank - a.rank);
    const top5 = ranked.slice(0, 5);
    const [first, second] = top5;
    const t = this.#thresholds;
    if (!first) return { normalised, verdict: 'none', ranked: [], why: 'no example shares a word' };
    const clear = !second || second.rank < first.rank * t.margin || (first.keyword !== null && second.keyword === null);
    // Words scattered over unrelated examples ("mates" in one, "pay" in another) do not make a confident match
    // on their own: one example must explain a fair share of the message too, unless a keyword says it.
    const grounded = first.keyword !== null || first.single >= t.single;
    if (first.coverage >= t.confident && clear && grounded) {
      return { normalised, verdict: 'confident', ranked: top5, why: `coverage ${first.coverage.toFixed(2)}, clear of the runner-up` };
    }
    if (first.coverage >= t.near) {
      return {
        normalised, verdict: 'near', ranked: top5,
        why: !clear ? 'two intents too close to call' : !grounded ? `no single example explains enough (${first.single.toFixed(2)})` : `coverage ${first.coverage.toFixed(2)} below ${t.confident}`,
      };
    }
    return { normalised, verdict: 'none', ranked: top5, why: `coverage ${first.coverage.toFixed(2)} below ${t.near}` };
  }

  /** Words of the message that no example or keyword uses (a shop's name, the weather): meaning the intents do not explain. */
  unknownWords(text: string): string[] {
    return this.normalise(text).split(' ').filter((w) => w !== '' && !/^\d+$/.test(w) && !this.#set.stopwords.has(w) && !this.#intentFrequency.has(w));
  }

  /** The clauses of a message that may ask several things ("do i pay council tax and can u help with a deposit"). */
  clauses(text: string): string[] {
    return text
      .split(/[?!.;\n]+|\s(?:and also|and|also|plus|&)\s/i)
      .map((c) => c.trim())
      .filter((c) => this.normalise(c).split(' ').some((w) => w !== '' && !this.#set.stopwords.has(w)));
  }
}
