/** Hybrid retrieval with an OpenAI-compatible embeddings endpoint mocked by nock. */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { testService } from '../helpers/test-service.js';

const EMB = 'http://embeddings.test/v1';
// A toy embedding: one dimension per idea. Passages and questions about the same idea point the same way.
const IDEAS: Array<[RegExp, number]> = [[/tv licence|telly|television/i, 0], [/gym|swim/i, 1], [/passport|birth certificate/i, 2]];
const embed = (text: string) => {
  const v = [0.05, 0.05, 0.05, 0.05];
  for (const [re, i] of IDEAS) if (re.test(text)) v[i] = 1;
  return v;
};

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(EMB).persist().post('/embeddings').reply(200, (_uri, body) => {
    const input = (body as { input: string | string[] }).input;
    const texts = Array.isArray(input) ? input : [input];
    return { object: 'list', model: 'toy', usage: { prompt_tokens: 1, total_tokens: 1 }, data: texts.map((t, index) => ({ object: 'embedding', index, embedding: embed(t) })) };
  });
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('hybrid retrieval', () => {
  it('embeds the content once, then answers a question no intent matches from the entry closest in meaning', async () => {
    const s = testService({ env: { EMBEDDINGS_URL: EMB, EMBEDDINGS_MODEL: 'toy' } });
    try {
      expect(await s.hybrid!.prepare()).toBe(true);
      const o = await converse(s, '+447700900861', 'sms', 'whos paying for the telly permit thing in the new gaff');
      expect(o!.decision.topic).toBe('home-costs');
      expect(o!.decision.why[0]).toMatch(/^retrieval: home-costs/);
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
  });

  it('without a reachable endpoint, BM25 answers alone and nothing fails', async () => {
    const s = testService({ env: { EMBEDDINGS_URL: 'http://unreachable.test/v1', EMBEDDINGS_MODEL: 'toy' } });
    try {
      expect(await s.hybrid!.prepare()).toBe(false);
      const o = await converse(s, '+447700900862', 'sms', 'do i have to pay council tax');
      expect(o!.decision.topic).toBe('council-tax');
    } finally {
      await s.outbox.stop();
      s.db.close();
    }
  });
});
