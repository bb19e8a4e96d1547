/** @module The pure decision for one turn: what to say, what to remember, whether a person must take over. */
import type { SafetyKind } from '../content/catalogue.js';
import type { RiskFinding } from '../safety/screen-risk.js';
import type { Conversation, ConversationState, Decision, LanguageSource, ReplyPart, ReplyPlan } from './types.js';
import type { Understanding } from './understand.js';
import { namesTopic } from '../intents/read-topic.js';

/** Whether the teams are at work now; 'unknown' when office hours are not configured (never claim either). */
export type OfficeState = 'open' | 'closed' | 'unknown';

export interface DecideInput {
  conversation: Conversation;
  understanding: Understanding;
  /** The topics of the main menu, from content/menus.yaml. */
  mainMenu: string[];
  /** The menu offered with the 21Plus welcome; none when empty. */
  cardMenu?: string[];
  /** On SMS through Twilio, Twilio itself confirms STOP and START; a second confirmation would be refused. */
  carrierConfirmsOptOut: boolean;
  /** Whether the teams are at work now: out of hours the young person is told who to call meanwhile. */
  office: OfficeState;
  /** Reply languages in menu order (content/translations plus English first). */
  languages: string[];
  /** The script each language is mostly written in, to tell a real switch from a stray word. */
  languageScripts: ReadonlyMap<string, string>;
}

/** A decision before its language is attached. */
type TurnDecision = Omit<Decision, 'language' | 'languageSource'>;

interface ReplyLanguage {
  code: string;
  /** How to remember it; null: keep what is stored. */
  source: LanguageSource | null;
}

const sys = (key: string): ReplyPart => ({ kind: 'system', key });
const MISSES_BEFORE_PERSON = 2;
/** A message of at most this many words that names nothing is vague: asked what they need, not shown a menu. */
const VAGUE_WORDS = 4;
const plan = (...parts: ReplyPart[]): ReplyPlan => ({ parts });
/** The line after "I have asked a person": honest about whether the team is at work. */
const personLine = (office: OfficeState): ReplyPart => sys(office === 'closed' ? 'human_out_of_hours' : 'human');
const waitingLine = (office: OfficeState): ReplyPart => sys(office === 'closed' ? 'handoff_waiting_out_of_hours' : 'handoff_waiting');
/** Within office hours a person is asked now; out of hours they may not reply until the next working day. */
const crisisLine = (office: OfficeState): ReplyPart => sys(`crisis_${office}`);
/** After a possible risk the team is asked, routinely: "as soon as they can" unless the office is closed. */
const checkInLine = (office: OfficeState): ReplyPart => sys(office === 'closed' ? 'crisis_closed' : 'crisis_unknown');

/** "suicide (en: want + die)": what the PA sees about why the screen raised it. */
export const signalsOf = (f: RiskFinding): string => `${f.category} (${f.language}: ${f.concepts.length > 0 ? f.concepts.join(' + ') : 'fixed phrase'})`;

/** The reply kind of a finding; a category without a reply of its own gets `fallback`. */
const replyKind = (f: RiskFinding | null, fallback: SafetyKind): SafetyKind =>
  f && f.kind !== 'none' && f.kind !== 'check_in' ? f.kind : fallback;

/**
 * A person asked, with a safety reply that goes even to someone who opted out. Urgent: the reply for the kind
 * of risk at once, and the duty PA alerted now. Otherwise a possible risk that is not clear: "are you safe
 * right now?" with the 24/7 numbers, a routine handoff, and `kind` kept for the reply if the answer is no.
 */
function safetyTurn(input: DecideInput, urgent: boolean, kind: SafetyKind, reason: string, why: string[], before: ReplyPlan[] = []): TurnDecision {
  const c = input.conversation;
  const f = input.understanding.risk;
  const line = urgent ? crisisLine(input.office) : checkInLine(input.office);
  return {
    intent: urgent ? 'crisis' : 'check-in',
    topic: null,
    handoff: urgent ? 'urgent' : 'routine',
    handoffReason: reason,
    handoffSignals: f ? signalsOf(f) : reason,
    replies: [...before, { parts: [{ kind: 'safety', reply: urgent ? kind : 'check_in' }, line], ignoreOptOut: true }],
    mode: c.mode === 'with_pa' ? 'with_pa' : 'waiting',
    state: { ...c.state, menu: undefined, checkIn: urgent ? undefined : kind, cancelAsked: undefined },
    why,
  };
}
const crisis = (input: DecideInput, kind: SafetyKind, reason: string, why: string[]) => safetyTurn(input, true, kind, reason, why);
const checkIn = (input: DecideInput, kind: SafetyKind, reason: string, why: string[], before: ReplyPlan[] = []) =>
  safetyTurn(input, false, kind, reason, why, before);

function answerTopic(id: string, state: ConversationState, why: string[], extra: Partial<TurnDecision> = {}): TurnDecision {
  return {
    intent: 'topic',
    topic: id,
    handoff: 'none',
    replies: [plan({ kind: 'topic', id, part: 'short' }, sys('more_hint'))],
    mode: 'bot',
    state: { ...state, lastTopic: id, moreGiven: undefined, menu: undefined, misses: 0 },
    why,
    ...extra,
  };
}

/** The topic's longer answer, remembered so a second MORE says that is all. */
function moreOn(id: string, state: ConversationState, why: string[], keep: Pick<TurnDecision, 'mode' | 'handoff'>): TurnDecision {
  return { ...keep, intent: 'more', topic: id, replies: [plan({ kind: 'topic', id, part: 'more' })], state: { ...state, moreGiven: id }, why };
}

/** One short line asking what they need, with the way to a person and to help now. */
function askWhatTheyNeed(state: ConversationState, why: string[]): TurnDecision {
  return { intent: 'fallback', topic: null, handoff: 'none', mode: 'bot', replies: [plan(sys('what_need'))], state: { ...state, menu: undefined }, why };
}

function offerMenu(intro: string, options: string[], state: ConversationState, why: string[], intent: Decision['intent']): TurnDecision {
  return {
    intent,
    topic: null,
    handoff: 'none',
    // A reply that did not answer always says how to reach a person and, in one line, where to get help now.
    replies: [plan(sys(intro), { kind: 'menu', options }, sys('menu_prompt'), ...(intro === 'menu' ? [] : [sys('safety_net')]))],
    mode: 'bot',
    state: { ...state, menu: options, misses: intent === 'fallback' ? (state.misses ?? 0) + 1 : state.misses },
    why,
  };
}

/**
 * The language to answer in. A language they chose stays unless they write in another script; a detected one
 * changes on a confident reading of three or more words (or any non-Latin script). One word ("ok", "hi", a
 * place name) never changes it.
 */
export function replyLanguage(c: Conversation, u: Understanding, scripts: ReadonlyMap<string, string>): ReplyLanguage {
  const g = u.language;
  if (!g.code) return { code: c.language ?? 'en', source: null };
  if (!c.language) {
    if (g.confident || g.ambiguous) return { code: g.code, source: 'detected' };
    return { code: 'en', source: null };
  }
  if (g.code === c.language) return { code: c.language, source: null };
  if (g.ambiguous?.includes(c.language)) return { code: c.language, source: null };
  const strong = g.confident && (g.script !== 'latin' || g.words >= 3);
  if (c.languageSource === 'chosen') {
    return strong && g.script !== scripts.get(c.language) ? { code: g.code, source: 'detected' } : { code: c.language, source: null };
  }
  return strong ? { code: g.code, source: 'detected' } : { code: c.language, source: null };
}

/**
 * A risk message is answered in the language of the words that showed the risk when the detector is not sure
 * of the language (romanised Arabic, Farsi or Urdu, a script shared by two languages): the finding decides.
 */
function riskLanguage(u: Understanding): ReplyLanguage | null {
  const f = u.risk;
  if (!f || (f.level !== 'urgent' && f.level !== 'unsure') || f.language === 'en') return null;
  if (u.language.confident && u.language.code === f.language) return null;
  if (u.language.confident && u.language.script !== 'latin') return null;
  return { code: f.language, source: 'detected' };
}

/**
 * Rules in order; the first that applies decides. Risk comes before everything, opt-out included, because a
 * young person in danger is answered whatever they said before.
 */
export function decide(input: DecideInput): Decision {
  const { conversation: c, understanding: u } = input;
  // A short follow-up ("ile?", "how much?") is too short to tell its language: the conversation's stays.
  const followingUp = u.followup && c.state.lastTopic && c.language ? { code: c.language, source: null } : null;
  const lang = riskLanguage(u) ?? followingUp ?? replyLanguage(c, u, input.languageScripts);
  // A language menu answers only the next message.
  const state: ConversationState = u.menuChoice === null ? { ...c.state, languageOffer: undefined } : c.state;
  const decided = decideTurn({ ...input, conversation: { ...c, state } }, lang);
  if ('language' in decided) return decided as Decision;
  // A short answer starts with "Yes" only after a yes/no question.
  const turn = u.yesNoQuestion ? decided : {
    ...decided,
    replies: decided.replies.map((r) => ({ ...r, parts: r.parts.map((p) => (p.kind === 'topic' && p.part === 'short' ? { ...p, withoutYes: true } : p)) })),
  };
  // Two close languages (Dari or Farsi?): answer in the likelier one, and ask once which they read.
  const pair = u.language.ambiguous;
  if (pair && lang.source === 'detected' && !turn.state.languageAsked && turn.replies.length > 0 && turn.intent !== 'crisis') {
    return {
      ...turn,
      replies: [...turn.replies, plan(sys('language_which'), { kind: 'languages', codes: pair })],
      state: { ...turn.state, languageOffer: pair, languageAsked: true },
      language: lang.code,
      languageSource: lang.source,
    };
  }
  return { ...turn, language: lang.code, languageSource: lang.source };
}

/** The 21Plus welcome (who is texting, what 21Plus helps with as a menu, a person on offer); the card is its source. */
function welcomeFromCard(input: DecideInput, state: ConversationState, why: string[]): TurnDecision {
  const menu = input.cardMenu ?? [];
  return {
    intent: 'card', topic: '21plus', handoff: 'none', mode: input.conversation.mode,
    replies: [menu.length > 0 ? plan(sys('card'), { kind: 'menu', options: menu }, sys('menu_prompt')) : plan(sys('card'))],
    state: { ...state, lastTopic: '21plus', menu: menu.length > 0 ? menu : state.menu },
    why, source: 'card',
  };
}

/** The language part of a turn: LANGUAGE, a language's name, or a number from the language menu. */
function chooseLanguage(input: DecideInput, state: ConversationState): Decision | null {
  const u = input.understanding;
  const pick = (code: string, why: string): Decision => ({
    intent: 'language', topic: null, handoff: 'none', mode: input.conversation.mode,
    replies: [plan(sys('language_set'))],
    state: { ...state, languageOffer: undefined, languageAsked: true },
    why: [why], language: code, languageSource: 'chosen',
  });
  const offer = (codes: string[], key: string, why: string): Decision => ({
    intent: 'language', topic: null, handoff: 'none', mode: input.conversation.mode,
    replies: [plan(sys(key), { kind: 'languages', codes })],
    state: { ...state, languageOffer: codes },
    why: [why], language: input.conversation.language ?? 'en', languageSource: null,
  });
  if (u.menuChoice !== null && state.languageOffer) {
    const code = state.languageOffer[u.menuChoice - 1];
    if (code) return pick(code, `language menu choice ${u.menuChoice}`);
  }
  if (u.languageName?.length === 1) return pick(u.languageName[0]!, 'named a language');
  if (u.languageName?.length === 2) return offer(u.languageName, 'language_which', 'named a language that could be two');
  if (u.command === 'language') return offer(input.languages, 'language_menu', 'asked to change language');
  return null;
}

function decideTurn(input: DecideInput, lang: ReplyLanguage): TurnDecision | Decision {
  const { conversation: c, understanding: u } = input;
  const state = c.state;
  const keep = { mode: c.mode, state, topic: null, handoff: 'none' as const };

  if (u.risk?.level === 'urgent') {
    return crisis(input, replyKind(u.risk, 'danger'), u.risk.category, [`risk: ${signalsOf(u.risk)}`]);
  }

  // The answer to "are you safe right now?": no (or more distress) makes it urgent; yes is thanked.
  if (state.checkIn && !u.command) {
    if (u.answer.no || u.risk) {
      return crisis(input, state.checkIn, 'not safe after a check-in', [`check-in answered ${u.answer.no ? 'no' : `with ${u.risk!.level} words`}`]);
    }
    if (u.answer.yes) {
      return {
        ...keep, intent: 'check-in.answer', replies: [plan(sys('check_in_thanks'))],
        state: { ...state, checkIn: undefined }, why: ['check-in answered yes: safe now'],
      };
    }
  }

  if (u.command === 'stop') {
    return {
      ...keep,
      intent: 'optout.stop',
      optOut: 'stop',
      // The confirmation goes to someone who has just opted out: it is the one text the opt-out allows.
      replies: input.carrierConfirmsOptOut ? [] : [{ ...plan(sys('stop_confirm')), ignoreOptOut: true }],
      why: [input.carrierConfirmsOptOut ? 'opt-out keyword; the carrier sends the confirmation' : 'opt-out keyword'],
    };
  }
  // "yes" is an opt-in word only for someone who has opted out; for anyone else it is an ordinary reply.
  if (u.command === 'start' && (c.optedOut || u.commandWord !== 'yes')) {
    return {
      ...keep,
      intent: 'optout.start',
      optOut: 'start',
      replies: input.carrierConfirmsOptOut ? [] : [plan(sys('start_confirm'))],
      why: ['opt-in keyword'],
    };
  }
  if (c.optedOut && u.risk?.level === 'unsure') {
    return checkIn(input, replyKind(u.risk, 'suicide'), `possible risk: ${u.risk.category}`, ['opted out, but a possible risk is always checked']);
  }
  if (c.optedOut) {
    const routine = u.risk?.level === 'routine';
    return {
      ...keep,
      intent: 'silenced',
      handoff: routine ? 'routine' : 'none',
      handoffReason: routine ? u.risk!.category : undefined,
      mode: routine && c.mode === 'bot' ? 'waiting' : c.mode,
      replies: [],
      why: ['contact has opted out: stored and screened, not answered'],
    };
  }
  if (u.command === 'help') return { ...keep, intent: 'help', replies: [plan(sys('help'))], why: ['help keyword'] };

  const languageTurn = chooseLanguage(input, state);
  if (languageTurn) return languageTurn;

  if (c.mode !== 'bot') return whileWithPerson(input, state);

  const match = u.match;
  const top = match.verdict === 'confident' ? match.ranked[0] : undefined;

  // Never downgraded because a topic matched too: the topic is answered, then the check-in.
  if (u.risk?.level === 'unsure') {
    const before = top?.kind === 'topic' ? [plan({ kind: 'topic', id: top.content, part: 'short' })] : [];
    return checkIn(input, replyKind(u.risk, 'suicide'), `possible risk: ${u.risk.category}`,
      [`possible risk: ${signalsOf(u.risk)}`], before);
  }

  if (u.person) {
    return {
      intent: 'human', topic: null, handoff: 'routine', handoffReason: 'asked for a person',
      replies: [plan(personLine(input.office))], mode: 'waiting', state: { ...state, menu: undefined },
      why: [`asked for a person (${u.person.language} [${u.person.concepts.join(' + ')}])`],
    };
  }

  if (u.risk?.level === 'routine') {
    const replies = top?.kind === 'topic' ? [plan({ kind: 'topic', id: top.content, part: 'short' })] : [];
    return {
      intent: top?.kind === 'topic' ? 'topic' : 'human',
      topic: top?.kind === 'topic' ? top.content : null,
      handoff: 'routine',
      handoffReason: u.risk.category,
      replies: [...replies, plan(personLine(input.office))],
      mode: 'waiting',
      state: { ...state, menu: undefined, lastTopic: top?.kind === 'topic' ? top.content : state.lastTopic },
      why: [`needs a person today: ${u.risk.category}`],
    };
  }

  if (u.menuChoice !== null && state.menu && state.menu.length > 0) {
    const chosen = state.menu[u.menuChoice - 1];
    if (chosen) return answerTopic(chosen, state, [`menu choice ${u.menuChoice}`]);
    return offerMenu('did_you_mean', state.menu, state, [`no option ${u.menuChoice} on the menu`], 'menu');
  }

  if (u.command === 'more') {
    if (state.lastTopic && state.moreGiven === state.lastTopic) {
      // The longer answer once; after it, that is all, with the menu and a person on offer (no_more says PERSON).
      return { ...offerMenu('no_more', input.mainMenu, state, [`MORE again on ${state.lastTopic}: that is all`], 'more'), topic: state.lastTopic };
    }
    if (state.lastTopic) return moreOn(state.lastTopic, state, [`more on ${state.lastTopic}`], keep);
    return offerMenu('menu', input.mainMenu, state, ['MORE with no topic yet'], 'menu');
  }

  if (u.empty) {
    return u.hasMedia
      ? { ...keep, intent: 'media', replies: [plan(sys('media_only'))], why: ['media with no text'] }
      : askWhatTheyNeed(state, ['no words (emoji or nothing)']);
  }

  if (u.topics.length >= 2) {
    // Several questions in one text: answer each, the MORE hint once at the end for the last.
    const last = u.topics[u.topics.length - 1]!;
    return {
      ...answerTopic(last, state, [`several questions: ${u.topics.join(', ')}`]),
      topic: u.topics[0]!,
      replies: u.topics.map((id, i) =>
        plan({ kind: 'topic', id, part: 'short' }, ...(i === u.topics.length - 1 ? [sys('more_hint')] : [])),
      ),
    };
  }

  // The card's keyword (or its WhatsApp link's prefilled text) starts the 21Plus welcome.
  if (u.fromCard) return welcomeFromCard(input, state, ['birthday card keyword']);

  // "how much?" after an answer is about that answer's topic, unless it names a topic itself.
  if (u.followup && state.lastTopic && !namesTopic(match) && (top === undefined || top.kind === 'topic')) {
    const why = [`follow-up on ${state.lastTopic}`];
    return state.moreGiven === state.lastTopic
      ? { ...keep, intent: 'topic', topic: state.lastTopic, replies: [plan(sys('no_more'))], why: [...why, 'the longer answer was given: that is all'] }
      : { ...moreOn(state.lastTopic, state, why, keep), intent: 'topic' };
  }

  if (top) {
    const why = [`${top.intent}: ${match.why}`];
    switch (top.kind) {
      case 'topic':
        return answerTopic(top.content, state, why);
      case 'greeting':
      case 'thanks':
        return { ...keep, intent: top.kind, replies: [plan(sys(top.content))], why };
      case 'card':
        // The card comes from 21Plus, so the welcome is that service's answer.
        return welcomeFromCard(input, state, why);
      case 'human':
        return {
          intent: 'human',
          topic: null,
          handoff: 'routine',
          handoffReason: 'asked for a person',
          replies: [plan(personLine(input.office))],
          mode: 'waiting',
          state: { ...state, menu: undefined },
          why,
        };
      case 'menu':
        return offerMenu('menu', input.mainMenu, state, why, 'menu');
      case 'vague':
        return askWhatTheyNeed(state, why);
    }
  }

  // Nothing matched an intent: the answer model, if any, may word an answer from the passages (checked);
  // if it says the offer does not answer this, that is said honestly below.
  const g = u.generated;
  if (match.verdict === 'none' && g && g !== 'refused') {
    const why = [`answer model from passages of ${g.entry}${g.text ? '' : ' (its wording failed the fact check; the entry\'s own text is sent)'}`];
    return g.text && lang.code === 'en'
      ? { ...answerTopic(g.entry, state, why), replies: [plan({ kind: 'text', text: g.text }, sys('more_hint'))] }
      : answerTopic(g.entry, state, why);
  }
  // Otherwise the offer's own text, when it clearly answers it: answer from that entry.
  if (match.verdict === 'none' && u.retrieved && g !== 'refused') {
    return answerTopic(u.retrieved.entry, state, [`retrieval: ${u.retrieved.entry} (BM25 ${u.retrieved.score.toFixed(1)}, words ${u.retrieved.coverage.toFixed(2)})`]);
  }

  // Upset words in a message that was not understood get the check-in, not a menu of topics.
  if (u.risk?.level === 'distress') {
    return checkIn(input, 'suicide', 'distress, not understood', [`distress words, nothing understood (${u.risk.concepts.join(' + ')})`]);
  }

  if (match.verdict === 'near') {
    const options = [...new Set(match.ranked.filter((r) => r.kind === 'topic').map((r) => r.content))].slice(0, 3);
    if (options.length > 0) return offerMenu('did_you_mean', options, state, [`near miss: ${match.why}`], 'menu');
  }
  // A few words that say nothing about a topic ("can u help me", "are u there?", an emoji): one short line asking
  // what they need, with the way to a person, rather than a list of topics they did not ask about.
  if (match.verdict === 'none' && match.normalised.split(' ').filter(Boolean).length <= VAGUE_WORDS && (state.misses ?? 0) + 1 < MISSES_BEFORE_PERSON) {
    return { ...askWhatTheyNeed(state, [`few words, nothing understood: ${match.why}`]), state: { ...state, menu: undefined, misses: (state.misses ?? 0) + 1 } };
  }
  // Not understood twice running: a person is asked rather than offering the same menu a third time.
  if ((state.misses ?? 0) + 1 >= MISSES_BEFORE_PERSON) {
    return {
      intent: 'human',
      topic: null,
      handoff: 'routine',
      handoffReason: 'not understood twice',
      replies: [plan(sys('not_understood'), personLine(input.office))],
      mode: 'waiting',
      state: { ...state, menu: undefined, misses: 0 },
      why: [`not understood twice: ${match.why}`],
    };
  }
  return offerMenu('fallback', input.mainMenu, state, [`not understood: ${match.why}`], 'fallback');
}

/**
 * While a person is awaited (or talking with them): the assistant does not take over, but the young person is
 * not stuck. A clear question is answered with a note that the request stays open; "never mind" asks once
 * whether to cancel a routine request; a possible risk gets the check-in, and after it any distress is urgent.
 */
function whileWithPerson(input: DecideInput, state: ConversationState): TurnDecision {
  const { conversation: c, understanding: u } = input;
  const keep = { mode: c.mode, state, topic: null, handoff: 'none' as const };
  const waiting = c.mode === 'waiting';
  if (u.risk?.level === 'unsure' || (u.risk?.level === 'distress' && state.checkIn)) {
    if (state.checkIn) return crisis(input, state.checkIn, 'more distress after a check-in', [`${u.risk.level} while a person is awaited after a check-in`]);
    if (waiting) return checkIn(input, replyKind(u.risk, 'suicide'), `possible risk: ${u.risk.category}`, [`possible risk while waiting: ${u.risk.category}`]);
  }
  if (u.risk?.level === 'routine' && c.handoffLevel === 'none') {
    return { ...keep, intent: 'forwarded', handoff: 'routine', handoffReason: u.risk.category, replies: [], why: [`needs a person today: ${u.risk.category}`] };
  }
  if (waiting && c.handoffLevel === 'routine') {
    if (state.cancelAsked && (u.answer.yes || u.answer.no)) {
      return u.answer.no
        ? { ...keep, intent: 'cancel', mode: 'bot', withdrawHandoff: true, replies: [plan(sys('cancel_done'))], state: { ...state, cancelAsked: undefined, checkIn: undefined }, why: ['cancelled the request for a person'] }
        : { ...keep, intent: 'cancel', replies: [plan(sys('cancel_kept'))], state: { ...state, cancelAsked: undefined }, why: ['kept the request for a person'] };
    }
    if (u.answer.cancel && !state.cancelAsked && !state.checkIn) {
      return { ...keep, intent: 'cancel', replies: [plan(sys('cancel_ask'))], state: { ...state, cancelAsked: true }, why: ['"never mind" while waiting: asked once whether to cancel'] };
    }
  }
  const top = u.match.verdict === 'confident' ? u.match.ranked[0] : undefined;
  if (waiting && top?.kind === 'topic' && !u.person && !u.risk) {
    return {
      ...keep, intent: 'topic', topic: top.content,
      replies: [plan({ kind: 'topic', id: top.content, part: 'short' }, sys('still_open'))],
      state: { ...state, lastTopic: top.content, cancelAsked: undefined },
      why: [`answered while waiting for a person: ${top.intent}`],
    };
  }
  return {
    ...keep,
    intent: 'forwarded',
    replies: waiting ? [plan(waitingLine(input.office))] : [],
    state: { ...state, cancelAsked: undefined },
    why: [`conversation is ${c.mode}: a person answers, the assistant does not`],
  };
}
