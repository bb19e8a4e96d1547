/** @module The pure decision for one turn: what to say, what to remember, whether a person must take over. */
import type { Conversation, ConversationState, Decision, LanguageSource, ReplyPart, ReplyPlan } from './types.js';
import type { Understanding } from './understand.js';

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
  officeOpen: boolean;
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
const plan = (...parts: ReplyPart[]): ReplyPlan => ({ parts });

function answerTopic(id: string, state: ConversationState, why: string[], extra: Partial<TurnDecision> = {}): TurnDecision {
  return {
    intent: 'topic',
    topic: id,
    handoff: 'none',
    replies: [plan({ kind: 'topic', id, part: 'short' }, sys('more_hint'))],
    mode: 'bot',
    state: { ...state, lastTopic: id, menu: undefined, misses: 0 },
    why,
    ...extra,
  };
}

function offerMenu(intro: string, options: string[], state: ConversationState, why: string[], intent: Decision['intent']): TurnDecision {
  return {
    intent,
    topic: null,
    handoff: 'none',
    replies: [plan(sys(intro), { kind: 'menu', options }, sys('menu_prompt'))],
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
 * Rules in order; the first that applies decides. Risk comes before everything, opt-out included, because a
 * young person in danger is answered whatever they said before.
 */
export function decide(input: DecideInput): Decision {
  const { conversation: c, understanding: u } = input;
  const lang = replyLanguage(c, u, input.languageScripts);
  // A language menu answers only the next message.
  const state: ConversationState = u.menuChoice === null ? { ...c.state, languageOffer: undefined } : c.state;
  const d = decideTurn({ ...input, conversation: { ...c, state } }, lang);
  if ('language' in d) return d as Decision;
  const turn = d as TurnDecision;
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
    return {
      intent: 'crisis',
      topic: null,
      handoff: 'urgent',
      handoffReason: u.risk.category,
      replies: [{ parts: [sys('crisis')], ignoreOptOut: true }],
      mode: c.mode === 'with_pa' ? 'with_pa' : 'waiting',
      state: { ...state, menu: undefined },
      why: [`risk: ${u.risk.category} (${u.risk.language} pattern)`],
    };
  }

  if (u.command === 'stop') {
    return {
      ...keep,
      intent: 'optout.stop',
      optOut: 'stop',
      replies: input.carrierConfirmsOptOut ? [] : [plan(sys('stop_confirm'))],
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

  if (c.mode !== 'bot') {
    const routine = u.risk?.level === 'routine' && c.handoffLevel === 'none';
    return {
      ...keep,
      intent: 'forwarded',
      handoff: routine ? 'routine' : 'none',
      handoffReason: routine ? u.risk!.category : undefined,
      replies: c.mode === 'waiting' ? [plan(sys(input.officeOpen ? 'handoff_waiting' : 'handoff_waiting_out_of_hours'))] : [],
      why: [`conversation is ${c.mode}: a person answers, the assistant does not`],
    };
  }

  const match = u.match;
  const top = match.verdict === 'confident' ? match.ranked[0] : undefined;

  if (u.risk?.level === 'routine') {
    const replies = top?.kind === 'topic' ? [plan({ kind: 'topic', id: top.content, part: 'short' })] : [];
    return {
      intent: top?.kind === 'topic' ? 'topic' : 'human',
      topic: top?.kind === 'topic' ? top.content : null,
      handoff: 'routine',
      handoffReason: u.risk.category,
      replies: [...replies, plan(sys(input.officeOpen ? 'human' : 'human_out_of_hours'))],
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
    if (state.lastTopic) {
      return {
        ...keep,
        intent: 'more',
        topic: state.lastTopic,
        replies: [plan({ kind: 'topic', id: state.lastTopic, part: 'more' })],
        why: [`more on ${state.lastTopic}`],
      };
    }
    return offerMenu('menu', input.mainMenu, state, ['MORE with no topic yet'], 'menu');
  }

  if (u.empty) {
    return u.hasMedia
      ? { ...keep, intent: 'media', replies: [plan(sys('media_only'))], why: ['media with no text'] }
      : offerMenu('menu', input.mainMenu, state, ['empty message'], 'menu');
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
          replies: [plan(sys(input.officeOpen ? 'human' : 'human_out_of_hours'))],
          mode: 'waiting',
          state: { ...state, menu: undefined },
          why,
        };
      case 'menu':
        return offerMenu('menu', input.mainMenu, state, why, 'menu');
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

  if (match.verdict === 'near') {
    const options = [...new Set(match.ranked.filter((r) => r.kind === 'topic').map((r) => r.content))].slice(0, 3);
    if (options.length > 0) return offerMenu('did_you_mean', options, state, [`near miss: ${match.why}`], 'menu');
  }
  // Not understood twice running: a person is asked rather than offering the same menu a third time.
  if ((state.misses ?? 0) + 1 >= MISSES_BEFORE_PERSON) {
    return {
      intent: 'human',
      topic: null,
      handoff: 'routine',
      handoffReason: 'not understood twice',
      replies: [plan(sys('not_understood'), sys(input.officeOpen ? 'human' : 'human_out_of_hours'))],
      mode: 'waiting',
      state: { ...state, menu: undefined, misses: 0 },
      why: [`not understood twice: ${match.why}`],
    };
  }
  return offerMenu('fallback', input.mainMenu, state, [`not understood: ${match.why}`], 'fallback');
}
