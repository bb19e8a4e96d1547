/** The embedded retriever (BM25 over content passages, a LangChain BaseRetriever) and its place in the answer ladder. */
import { describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { retrieveEntry } from '../../src/retrieval/retrieve-answer.js';
import { sharedKnowledge, testService } from '../helpers/test-service.js';

const { understander } = sharedKnowledge();

describe('BM25 retriever over the content', () => {
  it('is a LangChain retriever: invoke() returns Documents naming their content entry', async () => {
    const docs = await understander.retriever.invoke('the yearly tv licence in your first flat');
    expect(docs.length).toBeGreaterThan(0);
    expect(docs[0]!.metadata.entry).toBe('home-costs');
    expect(docs[0]!.pageContent).toMatch(/TV licence/i);
  });

  it('finds the entry for wording that shares the offer\'s words but not the intents\' examples', () => {
    const r = retrieveEntry(understander.retriever, 'Band B for eight weeks and then Band A on the register');
    expect(r?.entry).toBe('social-housing');
  });

  it('gives nothing for questions the offer does not answer, rather than a random entry', () => {
    for (const q of ['what time does the football start', 'will yous buy me a ps5', 'is it going to rain']) {
      expect(retrieveEntry(understander.retriever, q)).toBeNull();
    }
  });
});

describe('the ladder', () => {
  it('an intent match answers first; nothing at all gets the honest "not sure I understood" menu with a person and help now offered', async () => {
    const service = testService();
    try {
      const known = await converse(service, '+447700900841', 'sms', 'do i have to pay council tax');
      expect(known!.decision.why[0]).toMatch(/^council-tax:/);
      const nothing = await converse(service, '+447700900842', 'sms', 'whats the score in the forest game tonight');
      expect(nothing!.decision.intent).toBe('fallback');
      expect(nothing!.replies[0]).toMatch(/not sure I understood/);
      expect(nothing!.replies[0]).toMatch(/PERSON/);
      expect(nothing!.replies[0]).toMatch(/999/);
      expect(nothing!.replies[0]).not.toMatch(/sorry/i);
    } finally {
      await service.outbox.stop();
      service.db.close();
    }
  });
});
