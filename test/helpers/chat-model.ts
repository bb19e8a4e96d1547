/** An OpenAI-compatible chat endpoint mocked with nock, for the tests of the optional models (answers, topics, translation). */
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** No request leaves the machine except to loopback; interceptors left by a test are cleared after it. */
export function onlyLoopbackAndMockedModels(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());
}

/** A `/chat/completions` response body whose one message says `content`. */
export const chatCompletion = (content: string) => ({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});
