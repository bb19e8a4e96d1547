/** The optional outside topic model (OpenAI-compatible, through LangChain), with its replies recorded or faked by nock. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { testService } from '../helpers/test-service.js';
import { chatCompletion, onlyLoopbackAndMockedModels } from '../helpers/chat-model.js';

const MODEL = 'http://model.test/v1';
/**
 * Someone who cannot get a relative to sign for a flat (a guarantor), in words the embedded readers are not sure
 * of: the first of these the bundled examples do not place with confidence (examples grow, so there are several).
 */
const CANDIDATES = ['my nan cant sign for the flat', 'nobody in my family can put their name on the forms for the flat', 'the agent said i need a grown up to vouch and i dont have one'];
let UNSURE = '';
const RECORDED = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'llm', 'topic-guarantor.json'), 'utf8');

onlyLoopbackAndMockedModels();


async function withService(run: (s: ReturnType<typeof testService>) => Promise<void>, timeout = '2000') {
  const s = testService({ env: { ANSWER_MODEL_URL: MODEL, ANSWER_MODEL: 'small', ANSWER_MODEL_TIMEOUT_MS: timeout, ANSWER_MODEL_TOPICS: 'true' } });
  try {
    UNSURE = CANDIDATES.find((t) => s.knowledge.understander.topics.read(t).verdict !== 'confident') ?? '';
    expect(UNSURE).not.toBe('');
    await run(s);
  } finally {
    await s.outbox.stop();
    s.db.close();
  }
}

describe('the outside topic model', () => {
  it('answers the topic it picks for a message the embedded readers were unsure of, from the list of topic ids', async () => {
    await withService(async (s) => {
      let prompt = '';
      nock(MODEL).post('/chat/completions', (b: { messages: Array<{ content: string }> }) => ((prompt = b.messages[0]!.content), true))
        .reply(200, RECORDED, { 'content-type': 'application/json' });
      const o = await converse(s, '+447700900861', 'sms', UNSURE);
      expect(prompt).toContain('guarantor:');
      expect(o!.decision.topic).toBe('guarantor');
      expect(o!.replies[0]).toContain("guarantor");
      expect(o!.decision.why.join(' ')).toContain('outside model chose guarantor');
    });
  });

  it('an id that is not a topic, extra keys or prose count as no answer: the embedded decision stands', async () => {
    for (const [i, content] of ['{"topic": "free-money"}', '{"topic": "guarantor", "confidence": 0.9}', 'I think it is about guarantors.'].entries()) {
      await withService(async (s) => {
        nock(MODEL).post('/chat/completions').reply(200, chatCompletion(content));
        nock(MODEL).post('/chat/completions').reply(200, chatCompletion('{"entry": null}'));
        const o = await converse(s, `+44770090087${i}`, 'sms', UNSURE);
        expect(o!.decision.topic).toBeNull();
        expect(['menu', 'fallback']).toContain(o!.decision.intent);
      });
    }
  });

  it('a model that does not answer in time leaves the embedded decision', async () => {
    await withService(async (s) => {
      nock(MODEL).post('/chat/completions').delay(3000).reply(200, RECORDED);
      const o = await converse(s, '+447700900881', 'sms', UNSURE);
      expect(['menu', 'fallback']).toContain(o!.decision.intent);
      expect(o!.replies[0]).toMatch(/\n1 /);
    }, '300');
  });

  it('is never asked about a risk message or one the readers understood, and never lowers a risk', async () => {
    await withService(async (s) => {
      const scope = nock(MODEL).post('/chat/completions').reply(200, RECORDED);
      const risk = await converse(s, '+447700900891', 'sms', 'i took all my tablets an hour ago and feel weird');
      expect(risk!.decision.handoff).toBe('urgent');
      const plain = await converse(s, '+447700900892', 'sms', 'do i have to pay council tax');
      expect(plain!.decision.topic).toBe('council-tax');
      expect(scope.isDone()).toBe(false);
    });
  });
});
