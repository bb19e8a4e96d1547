/** The risk model: a second net that reads a message like the risk examples as a possible risk, and only that. */
import { describe, expect, it } from 'vitest';
import { understand } from '../../src/conversation/understand.js';
import { POSSIBLE_RISK_SCORE, RiskModel } from '../../src/safety/risk-model.js';
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
});

describe('the model in understanding a message', () => {
  const k = sharedKnowledge();
  const withModel = (score: number) => ({ ...k.understander, riskModel: { score: () => score } as unknown as RiskModel });

  it('makes a message no rule reads as a risk a possible risk (the check-in), naming the model', () => {
    const u = understand('things have been a lot lately tbh', 0, withModel(POSSIBLE_RISK_SCORE + 1));
    expect(u.risk).toMatchObject({ level: 'unsure', category: 'possible-risk', concepts: ['model'] });
    expect(understand('things have been a lot lately tbh', 0, withModel(POSSIBLE_RISK_SCORE - 1)).risk).toBeNull();
  });

  it('never lowers what the rules found, and leaves a plain question the offer answers alone', () => {
    expect(understand('i have taken all my tablets', 0, withModel(-10)).risk?.level).toBe('urgent');
    expect(understand('i want to kill myself', 0, withModel(POSSIBLE_RISK_SCORE + 5)).risk?.level).toBe('urgent');
    expect(understand('do i have to pay council tax', 0, withModel(POSSIBLE_RISK_SCORE + 5)).risk).toBeNull();
  });

  it('reads the bundled examples well enough to tell a risk from a question', () => {
    const model = k.understander.riskModel;
    expect(model.score('i dont see the point of anything anymore, im so tired of being here')).toBeGreaterThanOrEqual(POSSIBLE_RISK_SCORE);
    expect(model.score('can i get help paying for my driving lessons')).toBeLessThan(POSSIBLE_RISK_SCORE);
  });
});
