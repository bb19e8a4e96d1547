/** Machine translation providers mocked with nock: results, the SQLite cache, time limits and failures. */
import nock from 'nock';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { openDb } from '../../src/store/db.js';
import { LibreTranslateTranslator } from '../../src/translation/libretranslate-translator.js';
import { OpenAiChatTranslator } from '../../src/translation/openai-chat-translator.js';
import { TranslationService } from '../../src/translation/translation-service.js';
import { settle, testService } from '../helpers/test-service.js';
import { chatCompletion, onlyLoopbackAndMockedModels } from '../helpers/chat-model.js';

const LIBRE = 'http://libretranslate.test';
const OPENAI = 'http://llm.test/v1';
const silent = pino({ level: 'silent' });

onlyLoopbackAndMockedModels();

describe('LibreTranslate', () => {
  it('translates, and the second request for the same text comes from the SQLite cache', async () => {
    let sent: Record<string, unknown> = {};
    const scope = nock(LIBRE).post('/translate', (b: Record<string, unknown>) => ((sent = b), true)).once().reply(200, { translatedText: 'Can I get free driving lessons?' });
    const t = new TranslationService(openDb(':memory:'), new LibreTranslateTranslator(LIBRE), 2000, silent);
    expect(await t.translate('هل أحصل على دروس قيادة مجانية؟', 'ar', 'en')).toBe('Can I get free driving lessons?');
    expect(sent).toMatchObject({ source: 'ar', target: 'en', format: 'text' });
    expect(await t.translate('هل أحصل على دروس قيادة مجانية؟', 'ar', 'en')).toBe('Can I get free driving lessons?');
    expect(scope.isDone()).toBe(true);
  });

  it('a server error or a slow answer gives null, within the time limit', async () => {
    nock(LIBRE).post('/translate').reply(500, 'boom');
    const t = new TranslationService(openDb(':memory:'), new LibreTranslateTranslator(LIBRE), 300, silent);
    expect(await t.translate('bonjour', 'fr', 'en')).toBeNull();
    // Answering after a minute: without the time limit this test would run into vitest's own 30 s limit.
    nock(LIBRE).post('/translate').delay(60_000).reply(200, { translatedText: 'too late' });
    expect(await t.translate('salut', 'fr', 'en')).toBeNull();
  });
});

describe('OpenAI-compatible chat endpoint through LangChain', () => {
  it('asks for a translation only and returns it', async () => {
    let body: { messages?: Array<{ role: string; content: string }>; model?: string } = {};
    nock(OPENAI).post('/chat/completions', (b: typeof body) => ((body = b), true)).reply(200, chatCompletion('I want to find a job'));
    const t = new TranslationService(openDb(':memory:'), new OpenAiChatTranslator({ baseUrl: OPENAI, apiKey: 'k', model: 'small-model' }), 3000, silent);
    expect(await t.translate('میخوام کار پیدا کنم', 'fa', 'en')).toBe('I want to find a job');
    expect(body.model).toBe('small-model');
    expect(body.messages?.[0]?.content).toMatch(/from Persian \(Iranian Farsi\) to English/);
    expect(body.messages?.[1]?.content).toBe('میخوام کار پیدا کنم');
  });

  it('a refusal to answer (HTTP 429) gives null', async () => {
    nock(OPENAI).post('/chat/completions').reply(429, { error: { message: 'rate limited' } });
    const t = new TranslationService(openDb(':memory:'), new OpenAiChatTranslator({ baseUrl: OPENAI, apiKey: 'k', model: 'm' }), 3000, silent);
    expect(await t.translate('hola', 'es', 'en')).toBeNull();
  });
});

describe('in a conversation', () => {
  it('a message the examples do not cover is understood through its English translation, kept for staff', async () => {
    nock(LIBRE).post('/translate').reply(200, { translatedText: 'do I have to pay council tax' });
    const service = testService({ env: { TRANSLATE_PROVIDER: 'libretranslate', TRANSLATE_URL: LIBRE } });
    try {
      const o = await converse(service, '+447700900811', 'sms', 'a trebuie sa platesc taxa aia de la primarie');
      expect(o!.decision.topic).toBe('council-tax');
      const row = service.db.prepare(`SELECT translation, machine_translated AS mt FROM messages WHERE direction = 'in'`).get() as { translation: string; mt: number };
      expect(row).toEqual({ translation: 'do I have to pay council tax', mt: 1 });
    } finally {
      await service.outbox.stop();
      service.db.close();
    }
  });

  it('when the provider is down the young person is still answered at once, from the examples or with the menu', async () => {
    nock(LIBRE).post('/translate').delay(60_000).reply(200, { translatedText: 'late' });
    const service = testService({ env: { TRANSLATE_PROVIDER: 'libretranslate', TRANSLATE_URL: LIBRE, TRANSLATE_TIMEOUT_MS: '300' } });
    try {
      const o = await converse(service, '+447700900812', 'sms', 'je veux mourir');
      expect(o!.decision.handoff).toBe('urgent');
      await settle(service);
    } finally {
      await service.outbox.stop();
      service.db.close();
    }
  });
});
