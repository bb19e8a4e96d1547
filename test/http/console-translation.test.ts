/** A PA replies in English to someone who writes in Farsi: the translation and back-translation are shown first. */
import { hash } from '@node-rs/argon2';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { loginToConsole } from '../helpers/console-client.js';
import { serve, settle, testService, type Served } from '../helpers/test-service.js';

const LIBRE = 'http://libretranslate.test';
let service: ReturnType<typeof testService>;
let served: Served;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  service = testService({ env: { TRANSLATE_PROVIDER: 'libretranslate', TRANSLATE_URL: LIBRE, SESSION_SECRET: 'z'.repeat(40) } });
  service.staff.setPasswordHash(service.staff.byEmail('duty.uasc@example.org')!.id, await hash('uasc duty password'));
  served = await serve(service);
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await served.close();
  await service.outbox.stop();
  service.db.close();
});

describe('translated replies in the console', () => {
  it('shows the young person\'s words with an English translation, and previews the PA\'s translated reply', async () => {
    nock(LIBRE).post('/translate', (b: { source: string; target: string }) => b.source === 'fa' && b.target === 'en').reply(200, { translatedText: 'Can someone call me? I need help' });
    const o = await converse(service, '+447700900821', 'sms', 'میشه یکی با من تماس بگیره؟ کمک لازم دارم');
    expect(o!.language).toBe('fa');
    expect(o!.decision.handoff).toBe('routine');

    const { client } = await loginToConsole(served, 'duty.uasc@example.org', 'uasc duty password');
    const page = `/console/conversations/${o!.conversationId}`;
    const html = await (await client.request(page)).text();
    expect(html).toContain('English (machine translation):</b> Can someone call me? I need help');
    expect(html).toContain('Translate and preview');

    nock(LIBRE)
      .post('/translate', (b: { source: string; target: string }) => b.source === 'en' && b.target === 'fa').reply(200, { translatedText: 'سلام، امروز ساعت ۲ با شما تماس میگیرم' })
      .post('/translate', (b: { source: string; target: string }) => b.source === 'fa' && b.target === 'en').reply(200, { translatedText: 'Hello, I will call you today at 2' });
    const preview = await client.post(page, `${page}/reply-preview`, { text: 'Hi, I will call you today at 2pm' });
    const previewHtml = await preview.text();
    expect(previewHtml).toContain('سلام، امروز ساعت ۲ با شما تماس میگیرم');
    expect(previewHtml).toContain('Hello, I will call you today at 2');
    expect(service.fake!.sent.filter((m) => m.body.includes('سلام'))).toHaveLength(0); // nothing sent yet

    const token = /name="_csrf" value="([^"]+)"/.exec(previewHtml)![1]!;
    await client.request(`${page}/reply`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: token, text: 'سلام، امروز ساعت ۲ با شما تماس میگیرم', original: 'Hi, I will call you today at 2pm' }),
    });
    await settle(service);
    expect(service.fake!.sent.at(-1)).toMatchObject({ to: '+447700900821', body: 'سلام، امروز ساعت ۲ با شما تماس میگیرم' });
    const stored = service.db.prepare(`SELECT original_body AS original, machine_translated AS mt FROM messages WHERE origin = 'pa'`).get();
    expect(stored).toEqual({ original: 'Hi, I will call you today at 2pm', mt: 1 });
  });
});
