/** @module Optional hybrid ranking: embeddings (any OpenAI-compatible endpoint) beside BM25, for wording the BM25 words miss. */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Document } from '@langchain/core/documents';
import { cosineSimilarity } from '@langchain/core/utils/math';
import type { Logger } from '../lib/logger.js';
import type { Bm25Retriever } from './bm25-retriever.js';
import type { PassageMetadata } from './content-passages.js';
import type { Retrieved } from './retrieve-answer.js';

export interface HybridThresholds {
  /** Lowest blended score (half cosine similarity, half BM25 relative to the best) to answer from an entry. */
  minScore: number;
  /** The best entry must lead the next by at least this much. */
  lead: number;
}

export const DEFAULT_HYBRID: HybridThresholds = { minScore: 0.55, lead: 0.05 };

export class HybridRanker {
  #vectors: number[][] | null = null;

  constructor(
    private readonly embeddings: EmbeddingsInterface,
    private readonly passages: Document<PassageMetadata>[],
    private readonly bm25: Bm25Retriever,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly thresholds: HybridThresholds = DEFAULT_HYBRID,
  ) {}

  /** Embeds every passage once, at start, in the background; until then (or if it fails) BM25 works alone. */
  async prepare(): Promise<boolean> {
    try {
      this.#vectors = await this.embeddings.embedDocuments(this.passages.map((p) => p.pageContent));
      return true;
    } catch (err) {
      this.logger.warn({ error: (err as Error).name }, 'embeddings unavailable; retrieval uses BM25 alone');
      return false;
    }
  }

  get ready(): boolean {
    return this.#vectors !== null;
  }

  /** The entry the blended ranking clearly points at, or null (not ready, too slow, nothing clear). */
  async rank(query: string): Promise<Retrieved | null> {
    if (!this.#vectors) return null;
    let timer: NodeJS.Timeout | undefined;
    try {
      const q = await Promise.race([
        this.embeddings.embedQuery(query),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('embedding timed out')), this.timeoutMs))),
      ]);
      const cos = cosineSimilarity([q], this.#vectors)[0]!;
      const bm25 = this.bm25.search(query);
      const top = Math.max(1e-9, ...bm25.map((b) => b.score));
      const bm25ByPassage = new Map(bm25.map((b) => [b.doc.pageContent, b.score / top]));
      const byEntry = new Map<string, number>();
      this.passages.forEach((p, i) => {
        const blended = 0.5 * cos[i]! + 0.5 * (bm25ByPassage.get(p.pageContent) ?? 0);
        byEntry.set(p.metadata.entry, Math.max(byEntry.get(p.metadata.entry) ?? 0, blended));
      });
      const [best, next] = [...byEntry].sort((a, b) => b[1] - a[1]);
      if (!best || best[1] < this.thresholds.minScore || (next && best[1] - next[1] < this.thresholds.lead)) return null;
      return { entry: best[0], score: best[1], coverage: bm25.find((b) => b.doc.metadata.entry === best[0])?.coverage ?? 0, passages: bm25 };
    } catch (err) {
      this.logger.warn({ error: (err as Error).message }, 'embedding the question failed; BM25 alone decides');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
