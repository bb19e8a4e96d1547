/** The concept-rule engine: slots within a window, stopping concepts, whole words, accents and attached affixes. */
import { describe, expect, it } from 'vitest';
import { ConceptRules } from '../../src/safety/concept-rules.js';
import { normaliseText } from '../../src/intents/normalise-text.js';

const rules = new ConceptRules({
  language: 'xx',
  concepts: {
    took: ['took', 'swallowed'],
    pills: ['tablets?', 'pills'],
    lots: ['all', 'loads', 'a whole (?:box|packet)'],
    accident: ['by mistake'],
    self: ['suicid*'],
    me: ['i', 'me'],
    dying: ['muốn chết'],
    ar_die: ['انتحر'],
  },
  rules: [
    { category: 'overdose', level: 'urgent', when: ['took', 'pills', 'lots'], within: 6, unless: ['accident'] },
    { category: 'suicide', level: 'urgent', when: ['me', 'self'], within: 3, unless: [] },
    { category: 'suicide', level: 'urgent', when: ['dying'], within: 12, unless: [] },
    { category: 'suicide', level: 'urgent', when: ['ar_die'], within: 12, unless: [] },
  ],
});
const read = (text: string) => rules.matches(normaliseText(text)).map((m) => `${m.category}:${m.concepts.join('+')}`);

describe('concept rules', () => {
  it('fire when every slot is found within the window, in any order', () => {
    expect(read('took loads of my tablets')).toEqual(['overdose:took+pills+lots']);
    expect(read('all my tablets, i swallowed them')).toEqual(['overdose:took+pills+lots']);
    expect(read('took a whole box of pills')).toEqual(['overdose:took+pills+lots']);
  });

  it('do not fire when a slot is missing or the words are too far apart', () => {
    expect(read('took my tablets')).toEqual([]);
    expect(read('took my tablets this morning like the doctor says and then went to work and had lunch with all my mates')).toEqual([]);
  });

  it('are stopped by an unless concept near the words, and say so (the rules read the message as harmless)', () => {
    expect(read('took all my tablets by mistake twice')).toEqual([]);
    expect(rules.read('took all my tablets by mistake twice').stopped).toBe(true);
    expect(rules.read('took my tablets this morning').stopped).toBe(false);
  });

  it('match whole words only, with * allowing any ending', () => {
    expect(read('i feel suicidal')).toEqual(['suicide:me+self']);
    expect(read('pillsbury tablet-ish')).toEqual([]);
    expect(read('i took allpills')).toEqual([]);
  });

  it('match text typed without accents', () => {
    expect(read('em muon chet')).toEqual(['suicide:dying']);
    expect(read('em muốn chết')).toEqual(['suicide:dying']);
  });

  it('match Arabic-script terms inside words, where prefixes and suffixes attach', () => {
    expect(read('بدي انتحر')).toEqual(['suicide:ar_die']);
    expect(read('وانتحرت')).toEqual(['suicide:ar_die']);
  });

  it('never use the same words for two slots', () => {
    const same = new ConceptRules({ language: 'xx', concepts: { a: ['goodbye'] }, rules: [{ category: 'goodbye', level: 'urgent', when: ['a', 'a'], within: 40, unless: [] }] });
    expect(same.matches('goodbye')).toEqual([]);
    expect(same.matches('goodbye and goodbye').length).toBe(1);
  });

  it('refuse a rule that names a concept nobody defined', () => {
    expect(() => new ConceptRules({ language: 'xx', concepts: {}, rules: [{ category: 'x', level: 'urgent', when: ['nothing'], within: 5, unless: [] }] })).toThrow(/not a concept/);
  });
});
