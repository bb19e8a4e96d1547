/** Language detection on short texts: script and letters, our examples, memory, and asking when two look alike. */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/conversation/decide.js';
import { understand } from '../../src/conversation/understand.js';
import type { Conversation } from '../../src/conversation/types.js';
import { LanguageDetector } from '../../src/language/detect-language.js';
import { sharedKnowledge } from '../helpers/test-service.js';

const { understander, catalogue } = sharedKnowledge();
const detector = understander.detector;

function conversation(language: string | null, languageSource: 'chosen' | 'detected' | null = language ? 'detected' : null): Conversation {
  return { id: 1, contactId: 1, channel: 'sms', address: '+447700900000', language, languageSource, optedOut: false, mode: 'bot', handoffLevel: 'none', state: {} };
}
const replyIn = (c: Conversation, text: string) =>
  decide({
    conversation: c, understanding: understand(text, 0, understander), mainMenu: catalogue.menus.main, carrierConfirmsOptOut: false,
    office: 'open', languages: [...catalogue.languages.keys()], languageScripts: detector.scripts(),
  });

describe('detecting the language of a short text', () => {
  it.each([
    ['ما عندي فلوس للأكل', 'ar'],
    ['من پول ندارم', 'fa'],
    ['زه پیسې نه لرم', 'ps'],
    ['میرے پاس پیسے نہیں ہیں', 'ur'],
    ['پارەم نییە', 'ckb'],
    ['Tôi không có tiền', 'vi'],
    ['Nie mam pieniędzy na jedzenie', 'pl'],
    ['Nu am bani de mâncare, ce să fac', 'ro'],
    ['Unë nuk kam para për ushqim', 'sq'],
  ])('%s is %s, from its letters', (text, code) => {
    expect(detector.detect(text).code).toBe(code);
  });

  it('Ge\'ez script is Tigrinya or Amharic, never anything else', () => {
    expect(['ti', 'am']).toContain(detector.detect('ገንዘብ የለኝም').code);
  });

  it('when two close languages share every word, it says it cannot tell them apart', () => {
    const d = new LanguageDetector(new Map([['en', ['hello there']], ['fa', ['سلام خوبی']], ['prs', ['سلام خوبی']]]));
    expect(d.detect('سلام خوبی').ambiguous?.sort()).toEqual(['fa', 'prs']);
  });

  it('nothing to go on (digits, emoji) is no language at all', () => {
    expect(detector.detect('123 😭').code).toBeNull();
  });
});

describe('the reply language', () => {
  it('a first message in Arabic script is answered in Arabic', () => {
    expect(replyIn(conversation(null), 'ابغى مساعدة بالسكن').language).toBe('ar');
  });

  it('one ambiguous word never flips an established language', () => {
    for (const word of ['ok', 'hi', 'Nottingham', 'yes']) expect(replyIn(conversation('ar'), word).language).toBe('ar');
  });

  it('a language they chose is kept for a short English message, but not if they then write in another script', () => {
    expect(replyIn(conversation('ar', 'chosen'), 'council tax').language).toBe('ar');
    expect(replyIn(conversation('en', 'chosen'), 'ابغى مساعدة بالسكن لو سمحت').language).toBe('ar');
  });

  it('"kurdish" asks which Kurdish, listing Sorani and Kurmanji in their own scripts', () => {
    const d = replyIn(conversation(null), 'kurdish');
    expect(d.intent).toBe('language');
    expect(d.state.languageOffer).toEqual(['ckb', 'kmr']);
  });
});
