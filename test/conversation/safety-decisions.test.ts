/** The safety policy in decide: honest about office hours, never downgraded by a topic, the right reply for the kind of risk. */
import { describe, expect, it } from 'vitest';
import { decide, type OfficeState } from '../../src/conversation/decide.js';
import { understand } from '../../src/conversation/understand.js';
import type { Conversation } from '../../src/conversation/types.js';
import { renderReply } from '../../src/content/render-reply.js';
import { sharedKnowledge } from '../helpers/test-service.js';

const k = sharedKnowledge();
const fresh: Conversation = { id: 1, contactId: 1, channel: 'sms', address: '+447700900123', language: null, languageSource: null, optedOut: false, mode: 'bot', handoffLevel: 'none', state: {} };

function turn(text: string, office: OfficeState, conversation: Conversation = fresh) {
  const d = decide({
    conversation, understanding: understand(text, 0, k.understander), mainMenu: k.catalogue.menus.main, carrierConfirmsOptOut: false, office,
    languages: [...k.catalogue.languages.keys()], languageScripts: k.understander.detector.scripts(),
  });
  return { d, text: d.replies.map((p) => renderReply(p, k.catalogue, d.language)).join('\n\n') };
}

describe('honest about time', () => {
  const risk = 'i want to end my life tonight';
  it('in office hours says a person is asked now', () => {
    const { d, text } = turn(risk, 'open');
    expect(d.handoff).toBe('urgent');
    expect(text).toContain('contact you now');
    expect(text).not.toMatch(/not at work/);
  });
  it('out of hours says the team is not at work and may not reply until the next working day, with the numbers to use now', () => {
    const { text } = turn(risk, 'closed');
    expect(text).toMatch(/not at work now and may not reply until the next working day/);
    expect(text).toContain('0300 456 4546');
    expect(text).toContain('116 123');
  });
  it('with office hours not configured never claims the team is open or closed', () => {
    for (const message of [risk, 'can someone ring me back', 'been having dark thoughts']) {
      const { text } = turn(message, 'unknown');
      expect(text, message).not.toMatch(/not at work|contact you now|next working day/);
    }
  });
});

describe('three levels, failing safe', () => {
  it('a possible risk that also names a topic gets the topic answer and the check-in, with a person asked', () => {
    const { d, text } = turn('my self harm has been bad again, can i get help with my mental health', 'open');
    expect(['check-in', 'crisis']).toContain(d.intent);
    expect(d.handoff).not.toBe('none');
    expect(text).toMatch(/999/);
  });
  it('a study question about risk stays none and gets an answer or a menu, not an alarm', () => {
    const { d } = turn('for my college essay, what are the warning signs of county lines grooming?', 'open');
    expect(d.handoff).toBe('none');
  });
  it('harmless idioms stay none', () => {
    for (const m of ['this queue is killing me', 'dying for a brew', 'i owe the gas company 40 quid', 'my housemate will kill me if i eat his food again']) {
      expect(turn(m, 'open').d.handoff, m).toBe('none');
    }
  });
  it('a reply that did not answer never ends with a bare sorry: it offers a person and help now', () => {
    // A few words that name nothing get one line asking what they need; a longer message, the honest menu.
    for (const [message, says] of [['purple monkey dishwasher', 'What can I help you with'], ['purple monkey dishwasher and a banana sandwich for my tea', 'not sure I understood']]) {
      const { d, text } = turn(message!, 'open');
      expect(['fallback', 'menu']).toContain(d.intent);
      expect(text, message).toContain(says);
      expect(text, message).toContain('PERSON');
      expect(text, message).toContain('999');
      expect(text, message).not.toMatch(/^sorry/i);
    }
  });
});

describe('the right help for the kind of risk', () => {
  const cases: Array<[string, RegExp]> = [
    ['i want to kill myself', /111 and choose option 2/],
    ['my friend took a load of pills and wont wake up', /ambulance/],
    ['my partner hits me and wont let me leave the flat', /0808 2000 247/],
    ['i was raped at a party last weekend', /whenever it happened/],
    ['they make me sell drugs in another town and say they will hurt my mum', /not in trouble/],
    ['got kicked out tonight, nowhere to sleep', /sleep outside/],
    ['some lads said theyre gonna stab me tonight', /somewhere safe/],
  ];
  it.each(cases)('%s', (message, expected) => {
    const { d, text } = turn(message, 'open');
    expect(d.handoff).toBe('urgent');
    expect(text).toMatch(expected);
    expect(d.replies[0]!.ignoreOptOut).toBe(true);
  });
  it('each English safety reply with its longest time line fits in 3 SMS segments', async () => {
    const { countSegments } = await import('../../src/content/count-segments.js');
    for (const kind of Object.keys(k.catalogue.safety.get('en')!)) {
      const text = renderReply({ parts: [{ kind: 'safety', reply: kind as never }, { kind: 'system', key: 'crisis_closed' }] }, k.catalogue, 'en');
      expect(countSegments(text), kind).toBeLessThanOrEqual(3);
    }
  });
});
