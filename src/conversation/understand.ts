/** @module Reads one message: risk first, then whole-message commands, menu numbers, then the intent match. */
import type { ConceptReader, Reading } from '../intents/concept-reader.js';
import type { Commands } from '../intents/load-intents.js';
import type { TopicReader, TopicReading } from '../intents/read-topic.js';
import { normaliseText } from '../intents/normalise-text.js';
import { moreSerious, type RiskFinding, type RiskScreen } from '../safety/screen-risk.js';
import type { RiskModel } from '../safety/risk-model.js';
import type { LanguageDetector, LanguageGuess } from '../language/detect-language.js';
import type { Bm25Retriever } from '../retrieval/bm25-retriever.js';
import { retrieveEntry, type Retrieved } from '../retrieval/retrieve-answer.js';
import type { Generated } from '../retrieval/grounded-answer.js';

export type Command = 'stop' | 'start' | 'help' | 'more' | 'language';

export interface Understanding {
  empty: boolean;
  hasMedia: boolean;
  risk: RiskFinding | null;
  /** The message asks for a person (their PA, a call back, "a real person"), in any curated language. */
  person: Reading | null;
  /** The message asks a yes/no question ("can i get a deposit"), not an open one or a statement (English only). */
  yesNoQuestion: boolean;
  /** A short question that only makes sense with the topic just answered ("how much?", "and if im 23?"). */
  followup: boolean;
  /** Short answers to the service's own questions: "are you safe?" and "do you still want a person?". */
  answer: { yes: boolean; no: boolean; cancel: boolean };
  command: Command | null;
  /** The keyword as typed, normalised ("yes" is START only for someone who has opted out). */
  commandWord: string | null;
  /** A bare number 1-9, for picking from a menu. */
  menuChoice: number | null;
  match: TopicReading;
  /** Two or three topics when the message asks several things at once; otherwise empty. */
  topics: string[];
  /** The language the message seems to be written in. */
  language: LanguageGuess;
  /** The message is just a language's name ("arabic", "فارسی"): that language, or the two it could mean. */
  languageName: string[] | null;
  /** The message starts with the birthday card's keyword. */
  fromCard: boolean;
  /** When no intent matched at all: the content entry the offer's own text clearly points at, if any. */
  retrieved: Retrieved | null;
  /** The machine translation into English the message was also read in, if any (kept for staff). */
  english: string | null;
  /** With an answer model configured: its checked answer from the passages, or 'refused'. Set by the turn. */
  generated?: Generated | null;
}

export interface Understander {
  screen: RiskScreen;
  /** The second net: a message no rule reads as a risk but that looks like the risk examples gets the check-in. */
  riskModel: RiskModel;
  /** Requests for a person (intents/person). */
  person: ConceptReader;
  /** Yes, no and never mind (intents/answers). */
  answers: ConceptReader;
  /** Follow-up questions (intents/followups). */
  followups: ConceptReader;
  /** Yes/no and open questions (intents/questions). */
  questions: ConceptReader;
  /** What the message asks about: the example matcher and the topic model. */
  topics: TopicReader;
  commands: Commands;
  detector: LanguageDetector;
  /** Normalised language names (English, own script, common spellings) to language codes. */
  languageNames: ReadonlyMap<string, string[]>;
  /** Searches the content itself when no intent matches (the embedded BM25 retriever). */
  retriever: Bm25Retriever;
  /** The birthday card's keyword, normalised ("card21"). */
  cardKeyword: string;
}

/** The original's match, unless only the English translation is understood with confidence. */
function matchWithTranslation(topics: TopicReader, text: string, english: string | null): TopicReading {
  const original = topics.read(text);
  if (original.verdict === 'confident' || !english) return original;
  const translated = topics.read(english);
  return translated.verdict === 'confident' ? { ...translated, why: `${translated.why} (machine translation)` } : original;
}

/** An open question wins over a yes/no one in the same message ("can u tell me what help there is"). */
function questionKind(readings: Reading[]): 'yes_no' | 'open' | 'statement' {
  if (readings.some((r) => r.category === 'open')) return 'open';
  return readings.some((r) => r.category === 'yes_no') ? 'yes_no' : 'statement';
}

/** A follow-up is short: a longer message says what it is about and is read on its own. */
const FOLLOWUP_WORDS = 12;

/** Pure given its inputs: the same text always reads the same way. */
export function understand(text: string, mediaCount: number, deps: Understander, english: string | null = null): Understanding {
  const plain = normaliseText(text);
  const language = deps.detector.detect(text);
  const prefer = language.confident ? language.code : null;
  // Screened as written and with text-speak spelled out ("wud be better off wivout me"); the more serious wins.
  const spelledOut = deps.topics.matcher.normalise(text);
  const variants = [text, ...(spelledOut !== plain ? [spelledOut] : []), ...(english ? [english] : [])];
  const writtenIn = language.confident && language.code && language.script === 'latin' ? language.code : undefined;
  const first = deps.screen.read(text, prefer, undefined, writtenIn);
  let risk = first.finding;
  let settled = first.settled;
  // The second screen is only worth its cost when spelling out text-speak changed something; the spelling map
  // is English text-speak, so English rules read it.
  if (spelledOut !== plain) {
    // Emoji carry risk (💊, 😂) but the spelling map drops them: they are kept beside the spelled-out words.
    const emoji = text.match(/\p{Extended_Pictographic}/gu)?.join(' ') ?? '';
    const read = deps.screen.read(`${spelledOut} ${emoji}`, prefer, 'en');
    const spelled = read.finding;
    settled ||= read.settled;
    // In a message confidently in another language, only an urgent reading counts from this English-only screen:
    // it cannot see that language's study or past wording ("essay li ser self-harm"), which the first screen did.
    if (spelled && (prefer === null || prefer === 'en' || spelled.level === 'urgent')) risk = moreSerious(risk, spelled);
  }
  // A machine translation is a second net for risk, never the only one: the original is always screened.
  if (english) risk = moreSerious(risk, deps.screen.screen(english, prefer, 'en'));
  // Answers to the service's own questions are short; a long message is never read as one.
  const readings = plain.split(' ').length <= 12 ? variants.flatMap((v) => deps.answers.read(v)) : [];
  // As with risk, words of another Latin-script language (unaccented Vietnamese "can", "to") do not ask for a
  // person in a message confidently written in one language; English words count in every language.
  const ours = (r: Reading) => writtenIn === undefined || r.language === writtenIn || r.language === 'en';
  let person: Reading | null = null;
  for (const v of variants) if (!person) person = deps.person.read(v).find(ours) ?? null;
  let command: Command | null = null;
  for (const name of ['stop', 'start', 'help', 'more', 'language'] as const) {
    if (deps.commands[name].some((w) => normaliseText(w) === plain)) {
      command = name;
      break;
    }
  }
  const match = matchWithTranslation(deps.topics, text, english);
  // Up to two digits: the language menu has eighteen entries.
  const number = /^[1-9]\d?$/.exec(plain.replace(/^(option|number|no) /, ''));
  const languageName = deps.languageNames.get(plain) ?? null;
  // What the rules did not catch (or read only as upset words) the model may: never more than a possible risk,
  // which asks "are you safe?" and brings a person, so a false alarm costs a question, a miss far more. Not on
  // what the service plainly understood otherwise (a command, a menu pick, an answer such as "yes im safe"), nor
  // where the lexicon itself read the risk words as harmless. A message that also reads as a topic question
  // needs a higher score: a topic never hides a risk, but plain questions must not get the check-in.
  const understoodOtherwise = command !== null || number !== null || languageName !== null || readings.length > 0;
  if ((!risk || risk.level === 'distress') && !settled && !understoodOtherwise && plain !== '' && deps.riskModel.isPossibleRisk(text, match.verdict === 'confident')) {
    risk = { level: 'unsure', category: 'possible-risk', kind: 'check_in', language: language.code ?? 'en', concepts: ['model'] };
  }
  return {
    empty: plain === '',
    // A follow-up asks about what was just said in words the offer knows: "what time does asda shut" is not one.
    followup: plain.split(' ').length <= FOLLOWUP_WORDS && deps.followups.read(text).length > 0 &&
      deps.topics.matcher.unknownWords(text).every((w) => deps.followups.words.has(w)),
    yesNoQuestion: questionKind(deps.questions.read(spelledOut)) === 'yes_no',
    hasMedia: mediaCount > 0,
    risk,
    person,
    answer: {
      yes: readings.some((r) => r.category === 'yes'),
      no: readings.some((r) => r.category === 'no'),
      cancel: readings.some((r) => r.category === 'cancel'),
    },
    command,
    commandWord: command ? plain : null,
    menuChoice: number ? Number(number[0]) : null,
    match,
    topics: deps.topics.topicsOfClauses(text),
    language,
    languageName,
    english,
    fromCard: plain === deps.cardKeyword || plain.startsWith(`${deps.cardKeyword} `),
    // Retrieval is the next rung of the ladder, used only where intents found nothing at all.
    retrieved: match.verdict === 'none' && !command ? retrieveEntry(deps.retriever, english ?? text) : null,
  };
}
