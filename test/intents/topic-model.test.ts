/** The naive Bayes topic model and the reader that combines it with the example matcher. */
import { describe, expect, it } from 'vitest';
import { TopicModel } from '../../src/intents/topic-model.js';
import { MODEL_CONFIDENT, TopicReader } from '../../src/intents/read-topic.js';
import type { IntentSet } from '../../src/intents/load-intents.js';

const plain = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

describe('the topic model', () => {
  const model = new TopicModel([
    { text: 'landlord wants a deposit', label: 'deposit' },
    { text: 'need money for the bond on a flat', label: 'deposit' },
    { text: 'no bed or sofa in my new flat', label: 'setting-up-home' },
    { text: 'need a fridge and a cooker for my flat', label: 'setting-up-home' },
  ], plain);

  it('gives probabilities over every label that add up to one, most likely first', () => {
    const p = model.classify('my new place has no cooker');
    expect(p.map((x) => x.label)).toEqual(['setting-up-home', 'deposit']);
    expect(p.reduce((s, x) => s + x.p, 0)).toBeCloseTo(1, 6);
  });

  it('reads a misspelling through the character pieces', () => {
    expect(model.classify('landlrd wants depposit')[0]!.label).toBe('deposit');
  });

  it('says nothing about a message with no feature it has seen', () => {
    expect(model.classify('???')).toEqual([]);
    expect(model.classify('qqq zzz')).toEqual([]);
  });
});

describe('the topic reader', () => {
  const topic = (id: string, examples: string[], keywords: string[] = []) => ({ id, kind: 'topic' as const, content: id, keywords, examples });
  const set: IntentSet = {
    intents: [
      topic('deposit', ['can i get a deposit', 'help with a deposit for a flat', 'landlord wants rent up front'], ['deposit']),
      topic('setting-up-home', ['help with furniture', 'grant for a bed and a sofa', 'need a kettle and a fridge', 'empty flat no furniture'], ['furniture']),
      topic('driving', ['help with driving lessons', 'can you pay my theory test'], ['driving lessons']),
      { id: 'human', kind: 'human', content: 'human', keywords: [], examples: ['can i talk to someone', 'i want a real person', 'get me a worker'] },
    ],
    commands: { stop: ['stop'], start: ['start'], help: ['help'], more: ['more'], language: ['language'] },
    spelling: { words: new Map(), phrases: [] },
    stopwords: new Set(['a', 'the', 'i', 'my', 'for', 'to', 'and', 'or', 'is', 'it', 'me', 'can', 'not', 'even']),
    examplesByLanguage: new Map(),
    languageNames: new Map(),
  };
  const reader = TopicReader.fromIntents(set);

  it('answers a situation told in other words that the examples alone could not place', () => {
    const text = 'moved in and theres no bed no sofa no kettle nothing';
    expect(reader.matcher.match(text).verdict).not.toBe('confident');
    const r = reader.read(text);
    expect(r.verdict).toBe('confident');
    expect(r.ranked[0]!.content).toBe('setting-up-home');
    expect(r.decidedBy).toBe('model');
    expect(r.model[0]!.p).toBeGreaterThanOrEqual(MODEL_CONFIDENT);
  });

  it('offers at most three topics in the model\'s order when unsure, and nothing for words it cannot place', () => {
    const unsure = reader.read('anything for my flat');
    expect(unsure.verdict).toBe('near');
    const menu = unsure.ranked.filter((r) => r.kind === 'topic').map((r) => r.intent);
    expect(menu[0]).toBe(unsure.model[0]!.label);
    expect(reader.read('whats the weather like').verdict).toBe('none');
  });

  it('never hands over on the model\'s word: a request for a person is for the person reader and the matcher', () => {
    const r = reader.read('somebody real to chat with please');
    expect(r.model[0]!.label).toBe('human');
    if (r.verdict === 'confident') expect(r.decidedBy).not.toBe('model');
  });

  it('a clause counts as a second question only where it names its topic or both readers agree', () => {
    expect(reader.topicsOfClauses('can i get a deposit and help with driving lessons')).toEqual(['deposit', 'driving']);
    expect(reader.topicsOfClauses('can i get a deposit and is it quick')).toEqual([]);
  });
});
