/** Bidi controls and zero-width characters a young person sends are shown visibly in the console, so they cannot reorder or hide what a PA reads. */
import { hash } from '@node-rs/argon2';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { loginToConsole, type ConsoleClient } from '../helpers/console-client.js';
import { serve, settle, testService, type Served } from '../helpers/test-service.js';

const LIBRE = 'http://libretranslate.test';
let service: ReturnType<typeof testService>;
let served: Served;
let pa: ConsoleClient;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  service = testService({ env: { TRANSLATE_PROVIDER: 'libretranslate', TRANSLATE_URL: LIBRE, SESSION_SECRET: 'b'.repeat(40) } });
  service.staff.setPasswordHash(service.staff.byEmail('duty.uasc@example.org')!.id, await hash('uasc duty password'));
  served = await serve(service);
  pa = (await loginToConsole(served, 'duty.uasc@example.org', 'uasc duty password')).client;
});
// Each test says what the translator answers; nothing left over from another test answers for it.
beforeEach(() => nock.cleanAll());
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await served?.close();
  await service?.outbox.stop();
  service?.db.close();
});

/** Every character that reorders text or is drawn as nothing, except joiners doing their job inside a word or an emoji. */
const HIDDEN = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

it('overrides, isolates, marks and zero-width spaces a young person sends are shown as [U+....] in the conversation and its live transcript', async () => {
  nock(LIBRE).post('/translate').times(4).reply(200, { translatedText: 'I need a person' });
  // Displayed raw, U+202E would draw "...to \u202Emoc.liam@evil" backwards as "to evil@mail.com".
  const text = 'can i talk to a real person. send the money to \u202Emoc.liam@evil\u202C please, pay 10\u200B00, \u2066ok\u2069 \u200Fnow\uFEFF';
  const o = await converse(service, '+447700900931', 'sms', text);
  const page = await (await pa.request(`/console/conversations/${o!.conversationId}`)).text();
  const transcript = await (await pa.request(`/console/conversations/${o!.conversationId}/transcript`)).text();
  for (const html of [page, transcript]) {
    expect(html).not.toMatch(HIDDEN);
    expect(html).toContain('send the money to [U+202E]moc.liam@evil[U+202C] please, pay 10[U+200B]00, [U+2066]ok[U+2069] [U+200F]now[U+FEFF]');
  }
});

it('Persian words keep their zero-width non-joiner and emoji sequences their joiner; a joiner hidden in an English word is shown', async () => {
  nock(LIBRE).post('/translate').times(4).reply(200, { translatedText: 'I want to talk to someone' });
  const persian = 'می\u200Cخواهم با یک نفر صحبت کنم';
  const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
  const o = await converse(service, '+447700900932', 'sms', `${persian} ${family} su\u200Dicide`);
  const page = await (await pa.request(`/console/conversations/${o!.conversationId}`)).text();
  expect(page).toContain(persian);
  expect(page).toContain(family);
  expect(page).toContain('su[U+200D]icide');
});

it('a translated reply is shown with its marks visible in the preview, and sent exactly as the translator wrote it', async () => {
  nock(LIBRE).post('/translate').reply(200, { translatedText: 'Can someone call me?' });
  const o = await converse(service, '+447700900933', 'sms', 'میشه یکی با من تماس بگیره؟ کمک لازم دارم');
  const conversation = `/console/conversations/${o!.conversationId}`;
  await pa.post(conversation, `${conversation}/claim`, {});
  const translated = 'ساعت \u200F2\u200F تماس میگیرم';
  nock(LIBRE)
    .post('/translate', (b: { source: string }) => b.source === 'en').reply(200, { translatedText: translated })
    .post('/translate', (b: { source: string }) => b.source === 'fa').reply(200, { translatedText: 'I will call at 2' });
  const preview = await (await pa.post(conversation, `${conversation}/reply-preview`, { text: 'I will call you at 2pm' })).text();
  expect(/<dd id="translated"[^>]*>([^<]*)<\/dd>/.exec(preview)![1]).toBe('ساعت [U+200F]2[U+200F] تماس میگیرم');

  const form = /<form[^>]*id="send-translated"[^>]*>([\s\S]*?)<\/form>/.exec(preview)![1]!;
  const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, unescape(m[2]!)]));
  expect(fields['text']).toBe(translated);
  const sent = await pa.request(`${conversation}/reply`, { method: 'POST', body: new URLSearchParams(fields) });
  expect(sent.status).toBe(303);
  await settle(service);
  expect(service.fake!.sent.at(-1)).toMatchObject({ to: '+447700900933', body: translated });
});
