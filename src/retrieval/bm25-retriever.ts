/** @module The embedded retriever: BM25 ranking (MiniSearch) over the content passages, as a LangChain BaseRetriever. */
import { BaseRetriever } from '@langchain/core/retrievers';
import type { Document } from '@langchain/core/documents';
import MiniSearch from 'minisearch';
import type { PassageMetadata } from './content-passages.js';

export interface ScoredPassage {
  doc: Document<PassageMetadata>;
  /** BM25 score. */
  score: number;
  /** Share of the query's words found in the passage, 0..1. */
  coverage: number;
}

/**
 * Ranks passages with BM25 using the same normalisation as the intent matcher (text-speak spelled out, accents
 * dropped), so "wiv", "ur" and typos find the same words. No network: it works with nothing configured.
 */
export class Bm25Retriever extends BaseRetriever<PassageMetadata> {
  lc_namespace = ['offerline', 'retrieval'];
  readonly #search: MiniSearch<{ id: number; text: string }>;
  readonly #docs: Document<PassageMetadata>[];

  constructor(
    docs: Document<PassageMetadata>[],
    private readonly normalise: (text: string) => string,
    private readonly stopwords: ReadonlySet<string>,
    private readonly k = 4,
  ) {
    super();
    this.#docs = docs;
    this.#search = new MiniSearch({
      fields: ['text'],
      searchOptions: { combineWith: 'OR', fuzzy: (t) => (t.length >= 5 ? 0.2 : false), prefix: (t) => t.length >= 4 },
      processTerm: (t) => (this.stopwords.has(t) ? null : t),
    });
    this.#search.addAll(docs.map((d, id) => ({ id, text: normalise(d.pageContent) })));
  }

  /** Synchronous search, best first; a turn uses this directly. */
  search(query: string): ScoredPassage[] {
    const q = this.normalise(query);
    const words = new Set(q.split(' ').filter((w) => w !== '' && !this.stopwords.has(w)));
    if (words.size === 0) return [];
    return this.#search
      .search(q)
      .slice(0, this.k)
      .map((r) => ({ doc: this.#docs[r.id as number]!, score: r.score, coverage: r.queryTerms.filter((t) => words.has(t)).length / words.size }));
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PassageMetadata>[]> {
    return this.search(query).map((p) => p.doc);
  }
}
