/** The optional answer model (an OpenAI-compatible endpoint through LangChain), mocked with nock. */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { unsupportedFacts } from '../../src/retrieval/grounded-answer.js';
import { renderReply } from '../../src/content/render-reply.js';
import { testService } from '../helpers/test-service.js';
import { chatCompletion, onlyLoopbackAndMockedModels } from '../helpers/chat-model.js';

const MODEL = 'http://model.test/v1';
const QUESTION = 'hows about a bit of cash towards getting my bedsit looking decent';

onlyLoopbackAndMockedModels();


async function withService(run: (s: ReturnType<typeof testService>) => Promise<void>, timeout = '2000') {
  const s = testService({ env: { ANSWER_MODEL_URL: MODEL, ANSWER_MODEL: 'small', ANSWER_MODEL_TIMEOUT_MS: timeout } });
  try {
    await run(s);
  } finally {
    await s.outbox.stop();
    s.db.close();
  }
}

describe('answers worded by a model from retrieved passages', () => {
  it('sends the model\'s answer when its facts are all in the passages, naming the entry it used', async () => {
    await withService(async (s) => {
      const entry = s.knowledge.understander.retriever.search(QUESTION)[0]!.doc.metadata.entry;
      let prompt = '';
      nock(MODEL).post('/chat/completions', (b: { messages: Array<{ content: string }> }) => ((prompt = b.messages[1]!.content), true))
        .reply(200, chatCompletion(JSON.stringify({ entry, answer: 'Ask your PA \u2013 they can tell you what help there is.' })));
      const o = await converse(s, '+447700900851', 'sms', QUESTION);
      expect(prompt).toContain(`(entry: ${entry})`);
      expect(o!.decision.topic).toBe(entry);
      expect(o!.replies[0]).toBe('Ask your PA - they can tell you what help there is.\nReply MORE for more.');
    });
  });

  it('discards an answer with an amount the passages do not have and sends the entry\'s own text', async () => {
    await withService(async (s) => {
      const entry = s.knowledge.understander.retriever.search(QUESTION)[0]!.doc.metadata.entry;
      nock(MODEL).post('/chat/completions').reply(200, chatCompletion(JSON.stringify({ entry, answer: 'Yes, you get £5,000 for it.' })));
      const o = await converse(s, '+447700900852', 'sms', QUESTION);
      expect(o!.decision.topic).toBe(entry);
      expect(o!.replies[0]).not.toContain('5,000');
      // The entry's own short answer, as sent after a question that is not a yes/no one.
      const own = renderReply({ parts: [{ kind: 'topic', id: entry, part: 'short', withoutYes: true }] }, s.knowledge.catalogue, 'en');
      expect(o!.replies[0]!.startsWith(own.split('\n')[0]!)).toBe(true);
    });
  });

  it('a refusal gets the honest "can\'t help" reply with the menu, not a guess', async () => {
    await withService(async (s) => {
      nock(MODEL).post('/chat/completions').reply(200, chatCompletion('{"entry": null}'));
      const o = await converse(s, '+447700900853', 'sms', QUESTION);
      expect(o!.decision.intent).toBe('fallback');
    });
  });

  it('a model that does not answer in time changes nothing: the deterministic answer or menu is sent', async () => {
    await withService(async (s) => {
      // Answering after a minute: without the time limit this test would run into vitest's own 30 s limit.
      nock(MODEL).post('/chat/completions').delay(60_000).reply(200, chatCompletion('{"entry": null}'));
      const o = await converse(s, '+447700900854', 'sms', QUESTION);
      expect(['fallback', 'topic', 'menu']).toContain(o!.decision.intent);
    }, '300');
  });

  it('a risk message never goes to the model', async () => {
    await withService(async (s) => {
      const scope = nock(MODEL).post('/chat/completions').reply(200, chatCompletion('{"entry": null}'));
      const o = await converse(s, '+447700900855', 'sms', 'i cant do this anymore');
      expect(o!.decision.handoff).toBe('urgent');
      expect(scope.isDone()).toBe(false);
    });
  });
});

describe('the fact check', () => {
  it('finds amounts, ages, phone numbers and emails that are not in the passages', () => {
    const passages = 'You can get at least £3,000. Call 0115 804 4154 or email 21Plus@nottscc.gov.uk until you are 25.';
    expect(unsupportedFacts('You get £3,000 until 25. Call 0115 804 4154.', passages)).toEqual([]);
    expect(unsupportedFacts('You get £5,000 until 21.', passages)).toEqual(['£5000', '21']);
    expect(unsupportedFacts('Email help@example.org', passages)).toEqual(['help@example.org']);
  });
});
