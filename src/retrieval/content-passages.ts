/** @module The content entries cut into passages (LangChain Documents) for searching: the title and short answer, then each sentence group of the longer one. */
import { Document } from '@langchain/core/documents';
import type { Catalogue } from '../content/catalogue.js';
import { fillPlaceholders } from '../content/render-reply.js';

export interface PassageMetadata {
  /** The content entry the passage comes from. */
  entry: string;
  part: 'short' | 'more';
}

/** Two or three sentences a passage: small enough to point at one fact, big enough to read alone. */
function chunks(text: string): string[] {
  const sentences = text.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== '');
  const out: string[] = [];
  for (let i = 0; i < sentences.length; i += 2) out.push(sentences.slice(i, i + 2).join(' '));
  return out;
}

export function contentPassages(cat: Catalogue): Document<PassageMetadata>[] {
  const docs: Document<PassageMetadata>[] = [];
  for (const t of cat.topics.values()) {
    const short = fillPlaceholders(t.short, cat.contacts);
    docs.push(new Document({ pageContent: `${t.title}. ${t.for} ${short}`, metadata: { entry: t.id, part: 'short' } }));
    for (const c of chunks(fillPlaceholders(t.more, cat.contacts))) {
      docs.push(new Document({ pageContent: `${t.title}. ${c}`, metadata: { entry: t.id, part: 'more' } }));
    }
  }
  return docs;
}
