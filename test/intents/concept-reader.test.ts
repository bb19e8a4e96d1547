/** The concept reader behind requests for a person and answers: every language's rules, one reading per language. */
import { describe, expect, it } from 'vitest';
import { ConceptReader } from '../../src/intents/concept-reader.js';

describe('the concept reader', () => {
  const rule = { category: 'person', level: 'none', when: ['human'], within: 12, unless: [] };
  const reader = new ConceptReader([
    // Read first: a language whose rules also know the English loanwords young people mix in.
    { language: 'am', concepts: { human: ['real person', 'እውነተኛ ሰው'] }, rules: [rule] },
    { language: 'en', concepts: { human: ['real person', 'human'] }, rules: [rule] },
  ]);

  it('keeps a reading for each language that read the message, so the English one is there for an English message', () => {
    expect(reader.read('i want a real person not a bot').map((r) => r.language)).toEqual(['am', 'en']);
    expect(reader.read('can i talk to a human').map((r) => r.language)).toEqual(['en']);
    expect(reader.read('how much is council tax')).toEqual([]);
  });
});
