/** @module The retrieval step of the answer ladder: which content entry, if any, the passages clearly point at. */
import type { Bm25Retriever, ScoredPassage } from './bm25-retriever.js';

export interface Retrieved {
  entry: string;
  score: number;
  coverage: number;
  passages: ScoredPassage[];
}

export interface RetrievalThresholds {
  /** Lowest BM25 score of the best passage to answer from it. */
  minScore: number;
  /** Lowest share of the message's words the best passage must contain. */
  minCoverage: number;
  /** The next best entry must score below this share of the best. */
  margin: number;
}

export const DEFAULT_RETRIEVAL: RetrievalThresholds = { minScore: 10, minCoverage: 0.6, margin: 0.5 };

/** The entry to answer from, or null when the offer has nothing that clearly fits. */
export function retrieveEntry(retriever: Bm25Retriever, text: string, t: RetrievalThresholds = DEFAULT_RETRIEVAL): Retrieved | null {
  const passages = retriever.search(text);
  const best = passages[0];
  if (!best || best.score < t.minScore || best.coverage < t.minCoverage) return null;
  const rival = passages.find((p) => p.doc.metadata.entry !== best.doc.metadata.entry);
  if (rival && rival.score >= best.score * t.margin) return null;
  return { entry: best.doc.metadata.entry, score: best.score, coverage: best.coverage, passages };
}
