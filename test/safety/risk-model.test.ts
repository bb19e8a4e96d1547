/** The risk model: a second net that reads a message like the risk examples as a possible risk, and only that. */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/conversation/decide.js';
import type { Conversation } from '../../src/conversation/types.js';
import { understand, type Understander } from '../../src/conversation/understand.js';
import { renderReply } from '../../src/content/render-reply.js';
import { RiskModel } from '../../src/safety/risk-model.js';
import { sharedKnowledge } from '../helpers/test-service.js';

describe('the risk model', () => {
  const model = new RiskModel([
    { text: 'i cant do this anymore everything is too much', risk: true },
    { text: 'nobody would even notice if i was gone', risk: true },
    { text: 'i keep thinking everyone would be better off', risk: true },
    { text: 'how do i get help with my council tax', risk: false },
    { text: 'can i get a deposit for a flat', risk: false },
    { text: 'when is the drop in on tuesday', risk: false },
  ]);

  it('scores a message like the risk examples above one like the others, misspelt or not', () => {
    expect(model.score('honestly i cant do this any more, its all too much')).toBeGreaterThan(model.score('can i get help with the deposit'));
    expect(model.score('noboddy would notice if i was gone')).toBeGreaterThan(model.score('when is council tax help'));
  });

  it('needs examples of both kinds', () => {
    expect(() => new RiskModel([{ text: 'hello', risk: false }])).toThrow(/risk and other examples/);
  });

  it('reads the bundled examples well enough to tell a risk from a question or everyday chat', () => {
    const bundled = sharedKnowledge().understander.riskModel;
    expect(bundled.isPossibleRisk('things have been really dark lately and i keep thinking about not being around')).toBe(true);
    for (const everyday of ['can i get help paying for my driving lessons', 'night', 'sleepy af', 'is it gonna snow on saturday']) {
      expect(bundled.isPossibleRisk(everyday), everyday).toBe(false);
    }
  });
});

describe('the model in understanding a message', () => {
  const k = sharedKnowledge();
  const withModel = (says: boolean): Understander => ({ ...k.understander, riskModel: { isPossibleRisk: () => says } as unknown as RiskModel });
  const always = withModel(true);

  it('makes a message no rule reads as a risk a possible risk (the check-in), naming the model', () => {
    expect(understand('things have been a lot lately tbh', 0, always).risk).toMatchObject({ level: 'unsure', category: 'possible-risk', concepts: ['model'] });
    expect(understand('things have been a lot lately tbh', 0, withModel(false)).risk).toBeNull();
  });

  it('never lowers what the rules found', () => {
    expect(understand('i have taken all my tablets', 0, withModel(false)).risk?.level).toBe('urgent');
    expect(understand('i want to kill myself', 0, always).risk?.level).toBe('urgent');
  });

  it('leaves alone what the service understood otherwise: a command, a menu pick, an answer', () => {
    for (const text of ['STOP', 'MORE', '2', 'arabic', 'yes im safe', 'no thanks', 'never mind']) {
      expect(understand(text, 0, always).risk, text).toBeNull();
    }
  });

  it('holds a topic question to the higher bar, but a topic never hides what the model is sure of', () => {
    const belowTheTopicBar: Understander = { ...k.understander, riskModel: { isPossibleRisk: (_: string, alsoATopic: boolean) => !alsoATopic } as unknown as RiskModel };
    expect(understand('do i have to pay council tax', 0, belowTheTopicBar).risk).toBeNull();
    expect(understand('do i have to pay council tax', 0, always).risk).toMatchObject({ level: 'unsure', concepts: ['model'] });
  });

  it('leaves alone what the risk words were read as harmless by the rules: study wording, a known idiom, a joke', () => {
    for (const text of ['im doing an essay on self harm for college', 'my mate said hes gonna kill me if i eat his chips haha']) {
      expect(understand(text, 0, always).risk, text).toBeNull();
    }
  });
});

describe('a possible risk from the model, as a conversation', () => {
  const k = sharedKnowledge();
  // A model that reads every message as a possible risk: what the guards around it must still get right.
  const understander: Understander = { ...k.understander, riskModel: { isPossibleRisk: () => true } as unknown as RiskModel };
  let conversation: Conversation = { id: 1, contactId: 1, channel: 'sms', address: '+447700900123', language: null, languageSource: null, optedOut: false, mode: 'bot', handoffLevel: 'none', state: {} };
  const turn = (text: string) => {
    const d = decide({
      conversation, understanding: understand(text, 0, understander), mainMenu: k.catalogue.menus.main, carrierConfirmsOptOut: false, office: 'open',
      languages: [...k.catalogue.languages.keys()], languageScripts: k.understander.detector.scripts(),
    });
    conversation = { ...conversation, state: d.state, handoffLevel: d.handoff === 'none' ? conversation.handoffLevel : d.handoff };
    return { d, text: d.replies.map((p) => renderReply(p, k.catalogue, d.language)).join('\n\n') };
  };

  it('asks whether they are safe and brings a person; "yes im safe" is thanked, not raised to a crisis', () => {
    const first = turn('things have been a lot lately tbh');
    expect(first.d.intent).toBe('check-in');
    expect(first.d.handoff).not.toBe('none');
    expect(first.text).toMatch(/safe/i);
    expect(first.text).toContain('999');
    const answer = turn('yes im safe');
    expect(answer.d.intent).toBe('check-in.answer');
    expect(answer.d.handoff).not.toBe('urgent');
  });
});
