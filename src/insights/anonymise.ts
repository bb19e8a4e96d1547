/**
 * @module Removes what could identify someone from a message before it is shown as an example in a report.
 *
 * Safe by default: a word is kept only if it is known (content/, intents/ or the common-English list in
 * content/words/); anything else, in any script, is masked. Known words are masked too where they are likely a
 * name, a place or a date: after "my name is", "my pa", "I live in", "born", and the like. Emails (spelt out too),
 * links, handles, phone numbers, postcodes, addresses, dates and long numbers are found first and shown by kind.
 */
import { normaliseText } from '../intents/normalise-text.js';
import { knownWords, type KnownWords } from './known-words.js';

const SHOWN = {
  name: '[name]', place: '[place]', word: '[…]', email: '[email]', link: '[link]', handle: '[handle]', phone: '[phone]',
  postcode: '[postcode]', id: '[id number]', address: '[address]', date: '[date]', number: '[number]',
} as const;
type Kind = keyof typeof SHOWN;
/** Masks of single words; a run of them is shown once, as the most telling kind. */
const WORD_KINDS: readonly Kind[] = ['name', 'place', 'word'];

// ---- Stage 1: patterns found in the raw text ----------------------------------------------------------------------

const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const DAY = String.raw`(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?`;
const YEAR = String.raw`(?:(?:19|20)\d{2}|'?\d{2})`;
// Only words that are streets in any sentence; "5 min walk" or "2 kids and no way" are not addresses.
const STREET = String.raw`(?:street|st|road|rd|avenue|ave|lane|ln|crescent|cres|terrace|mews|grove|boulevard|gardens)`;
const TLD = String.raw`(?:com|co|uk|org|net|io|me|ie|info|edu|ac|gov|biz)`;
const MAIL_PROVIDER = String.raw`(?:gmail|googlemail|hotmail|outlook|yahoo|ymail|icloud|live|aol|btinternet|protonmail|proton|msn|sky|virginmedia|talktalk)`;
const SPELT_SEP = String.raw`\s*(?:\.|\bdot\b|\(dot\)|\[dot\])\s*`;
const NUMBER_WORD = String.raw`(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|double|triple|treble|\d)`;

/** Amounts of money stay as they are: they help the report and identify nobody. */
const AMOUNT = new RegExp(
  // Not "£07700 900123": an amount has no leading zero and no more digits after it.
  String.raw`[£$€]\s?(?:[1-9]\d{0,2}(?:,\d{3}){1,2}|[1-9]\d{0,5}|0)(?:\.\d{1,2})?(?![\d,.]\d)(?:\s?(?:k|m)\b)?` +
    String.raw`|\b(?:[1-9]\d{0,2}(?:,\d{3})*|0)(?:\.\d{1,2})?\s?(?:p|k|quid|pounds?|pence|grand|gbp|euros?)\b`,
  'giu',
);

/** Each rule replaces a kind of identifying text; order matters (emails before links before numbers). */
const RULES: Array<[RegExp, Kind | ((match: string) => Kind)]> = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, 'email'],
  [new RegExp(String.raw`[\p{L}\p{N}._%+-]+\s@\s(?:${MAIL_PROVIDER}\b|[\p{L}\p{N}-]+)(?:\.[\p{L}\p{N}-]+)*\.${TLD}\b`, 'giu'), 'email'],
  // Spelt out: "jay dot smith at gmail dot com", "rose_w (at) outlook (dot) com", "jaysmith at hotmail".
  [
    new RegExp(
      String.raw`[\p{L}\p{N}_]+(?:\s*(?:\.|\bdot\b|\(dot\)|\[dot\]|\bunderscore\b|_|\bdash\b|-)\s*[\p{L}\p{N}_]+)*` +
        String.raw`\s*(?:@|\(at\)|\[at\]|\bat\b)\s*` +
        String.raw`(?:${MAIL_PROVIDER}\b(?:${SPELT_SEP}[\p{L}]+)*|[\p{L}\p{N}-]+(?:${SPELT_SEP}[\p{L}\p{N}-]+)*?(?:${SPELT_SEP}${TLD}\b)+)`,
      'giu',
    ),
    'email',
  ],
  [/\b(?:https?:\/\/|www\.)\S+/giu, 'link'],
  [/(?<![\p{L}\p{N}@])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|co\.uk|org\.uk|org|net|uk|io|me|ee|ly|info|app|tv|gov\.uk|ac\.uk|nhs\.uk)\b(?:\/\S*)?/giu, 'link'],
  [/(?<![\p{L}\p{N}])@[\p{L}\p{N}_.]+/gu, 'handle'],
  // Dates: 12/03/2005, 2005-03-12, 12th of March 2005, March 12th, March 2005.
  [/\b[0-3]?\d[/.-][01]?\d[/.-](?:\d{4}|\d{2})\b/gu, 'date'],
  [/\b(?:19|20)\d{2}[/.-][01]?\d[/.-][0-3]?\d\b/gu, 'date'],
  [new RegExp(String.raw`\b${DAY}(?:\s+of)?\s+${MONTH}\b\.?(?:,?\s+${YEAR}\b)?`, 'giu'), 'date'],
  [new RegExp(String.raw`\b${MONTH}\.?\s+${DAY}\b(?:,?\s+${YEAR}\b)?`, 'giu'), 'date'],
  [new RegExp(String.raw`\b${MONTH}\s+(?:19|20)\d{2}\b`, 'giu'), 'date'],
  // National Insurance numbers (AB 12 34 56 C), then UK postcodes (NG1 5DT, ng15dt).
  [/\b[A-Z]{2}\s*\d{2}\s*\d{2}\s*\d{2}\s*[A-D]\b/giu, 'id'],
  [/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/giu, 'postcode'],
  // Runs of digits with spaces, dots, dashes or brackets: a phone number when it starts like one.
  [/(?<![\p{L}\p{N}])(?:\+|00)?\(?\d(?:[\s().\/-]{0,2}\d){6,18}(?![\p{L}\p{N}])/gu, (m) => (/^(?:\+|0|\(0|44|7)/.test(m) && m.replace(/\D/g, '').length >= 10 ? 'phone' : 'number')],
  // Spoken: "oh seven seven double oh nine ...".
  [new RegExp(String.raw`\b(?:${NUMBER_WORD}[\s,.-]+){5,}${NUMBER_WORD}\b`, 'giu'), 'phone'],
  // House numbers with a street: "12 Acacia Avenue", "221b baker street".
  [new RegExp(String.raw`\b\d+[a-z]?,?\s+(?:(?!(?:and|or|but|to|on|in|at|of|for|with|is|a|an)\b)[\p{L}'’-]+\s+){1,3}?${STREET}\b`, 'giu'), 'address'],
  [/\b(?:flat|apartment|apt|room|house|unit|block)\s+(?:no\.?\s*|number\s+)?\d+[a-z]?\b/giu, 'address'],
  [/\b\d{2}-\d{2}-\d{2}\b/gu, 'number'],
  // Spelt letter by letter: "j a y s m i t h".
  [/(?<![\p{L}\p{N}])(?:\p{L}[\s.]+){2,}\p{L}(?![\p{L}\p{N}])/gu, 'word'],
  [/\d{4,}/gu, 'number'],
];

// Private-use characters mark what stage 1 found, so that no later rule reads a letter or digit inside a mark:
// open, one character for the tag (or the amount kept aside), close.
const TAG_OPEN = '\uE000';
const TAG_CLOSE = '\uE001';
const KEEP_OPEN = '\uE002';
const KEEP_CLOSE = '\uE003';
const MARKED = /[\uE000-\uEFFF]/u;
const KINDS = Object.keys(SHOWN) as Kind[];
const code = (i: number) => String.fromCharCode(0xe100 + i);
const uncode = (c: string) => c.charCodeAt(0) - 0xe100;

// ---- Stage 2: word by word ----------------------------------------------------------------------------------------

type Tier = 'naming' | 'person' | 'place' | 'date' | 'address';

const NAMING = [
  'my name is', 'my names', 'my name', 'name is', 'names', 'first name', 'surname', 'last name', 'full name', 'nickname',
  'call me', 'is called', 's called', 'hes called', 'shes called', 'its called', 'was called', 'im called', 'am called',
  'named', 'known as', 'aka', 'goes by', 'go by', 'username', 'user name', 'gamertag',
  ...['insta', 'instagram', 'ig', 'snap', 'snapchat', 'tiktok', 'tik tok', 'twitter', 'fb', 'facebook', 'discord', 'telegram', 'psn']
    .flatMap((app) => [`${app} is`, `${app} name`, `${app} name is`]),
  // Other languages the service answers in: "my name is", "I am called".
  'me llamo', 'mi nombre es', 'je mappelle', 'mon nom est', 'mon prénom est', 'mon prenom est', 'nazywam się',
  'nazywam sie', 'mam na imię', 'mam na imie', 'mă numesc', 'ma numesc', 'numele meu este', 'numele meu e', 'me chamo',
  'chamo me', 'meu nome é', 'meu nome e', 'magacaygu waa', 'magacaygu', 'magacayga', 'quhem', 'emri im është',
  'emri im eshte', 'emri im', 'tên tôi là', 'ten toi la', 'tôi tên là', 'toi ten la', 'tên em là', 'ten em la',
  'em tên là', 'em ten la', 'اسمي', 'انا اسمي', 'ismi', 'esmi', 'اسمم', 'اسم من', 'نام من', 'esmam', 'esme man',
  'میرا نام', 'mera naam', 'mera nam', 'زما نوم', 'zama noom', 'zama num', 'zma num', 'ناوم', 'ناوی من', 'nawm',
  'navê min', 'nave min', 'ስሜ', 'ስመይ', 'smey',
];
const PERSON = [
  'im', 'i am', 'its', 'this is', 'hi', 'hey', 'hiya', 'hello', 'dear', 'thanks', 'thank you', 'thankyou', 'ta',
  'cheers', 'regards', 'love', 'love from', 'lots of love', 'from', 'signed', 'mr', 'mrs', 'ms', 'miss', 'dr',
  'called', 'call', 'ring', 'rang', 'text', 'texted', 'message', 'messaged', 'email', 'emailed', 'contact',
  'contacted', 'ask', 'asked', 'ask for', 'asked for', 'asking for', 'tell', 'told', 'see', 'saw', 'seen', 'meet',
  'met', 'spoke to', 'speak to', 'speaking to', 'spoken to', 'talk to', 'talked to', 'talking to', 'chat to',
  'chat with', 'spoke with', 'speak with', 'talk with', 'met with', 'meet with', 'me and',
  // "add me on snap jaybird22", but not "someone on tiktok said".
  'insta', 'instagram', 'ig', 'snap', 'snapchat', 'tiktok', 'tik tok', 'twitter', 'fb', 'facebook', 'discord', 'telegram',
  // The people in their lives, with or without "my": "my pa sarah", "my mums boyfriend mark".
  'pa', 'my pa', 'worker', 'social worker', 'sw', 'key worker', 'keyworker', 'support worker', 'caseworker',
  'case worker', 'adviser', 'advisor', 'carer', 'foster carer', 'foster mum', 'foster dad', 'mum', 'mums', 'mam',
  'mom', 'dad', 'dads', 'nan', 'nana', 'grandma', 'gran', 'grandad', 'brother', 'sister', 'bro', 'sis', 'son',
  'daughter', 'baby', 'kid', 'boyfriend', 'girlfriend', 'bf', 'gf', 'partner', 'husband', 'wife', 'fiance', 'ex',
  'friend', 'mate', 'cousin', 'aunt', 'auntie', 'uncle', 'manager', 'boss', 'landlord', 'landlady', 'neighbour',
  'teacher', 'tutor', 'mentor', 'doctor', 'gp', 'nurse', 'midwife', 'solicitor', 'lawyer', 'housing officer',
  'work coach', 'coach',
  // Other languages: "I am"; words put before a name (Vietnamese kinship titles; Arabic "Mr", "Mrs", "my friend").
  'soy', 'je suis', 'jestem', 'sunt', 'sou', 'waxaan ahay', 'jam', 'tôi là', 'toi la', 'انا', 'ana', 'من هستم',
  'chị', 'anh', 'em', 'cô', 'chú', 'bác', 'ông', 'bà', 'استاذ', 'الاستاذ', 'السيد', 'السيده', 'صديقي', 'صاحبي',
  'اختي', 'اخوي',
];
const PLACE = [
  'live in', 'live at', 'live on', 'live near', 'lives in', 'lives at', 'lives on', 'living in', 'living at',
  'living on', 'lived in', 'lived at', 'lived on', 'stay at', 'staying at', 'staying in', 'moved to', 'moving to',
  'move to', 'moved into', 'moving into', 'im from', 'i am from', 'come from', 'comes from', 'came from',
  'originally from', 'born in', 'grew up in', 'postcode is', 'postcode',
];
const DATE = ['dob', 'd o b', 'date of birth', 'birth date', 'born', 'born on', 'birthday', 'bday', 'b day'];
const ADDRESS = ['address', 'my address', 'address is', 'addy', 'my addy'];

const CUES = new Map<string, Tier>();
for (const [tier, list] of [['person', PERSON], ['naming', NAMING], ['place', PLACE], ['date', DATE], ['address', ADDRESS]] as const) {
  for (const phrase of list) CUES.set(normaliseText(phrase), tier);
}
const LONGEST_CUE = Math.max(...[...CUES.keys()].map((c) => c.split(' ').length));

/** Words a cue may have before the word it introduces: "my pa IS sarah", "I live AT NUMBER 12". */
const FILLERS: Record<Tier, ReadonlySet<string>> = {
  naming: new Set(['is', 'was', 's', 'its', 'are', 'am', 'called', 'named', 'me']),
  person: new Set(['is', 'was', 's', 'its', 'are', 'am', 'called', 'named']),
  place: new Set(['is', 'was', 's', 'the', 'a', 'an', 'number', 'no']),
  date: new Set(['is', 'was', 's', 'on', 'the', 'of', 'my']),
  address: new Set(['is', 'was', 's']),
};
/** Small words that are never a name: "my name is NOT on the letter", "call me BACK", "call me ABOUT money". */
const FUNCTION = new Set(normaliseList(`a an the not no on in at of to for with from by about abt re regarding into onto via through
  thru after before around instead and or but so if because cos coz cause since until till til while whilst though although
  is was are be been being it its this that these those my your his her their our me you him them us i im ive id ill we
  they he she hes shes theyre youre what which who how when where why wrong spelt spelled different still also just already
  now changed misspelt missing back down up out off over please pls plz thx asap later today tomorrow tonight soon again
  too as all any some every each both either other another same own more most much many few less enough quite very really
  ever never always once maybe perhaps like there here then than can could would should do does did dont cant wont didnt
  isnt wasnt aint has have had get got u ur yes yeah yep no nah ok okay lol anyone someone somebody anybody nobody
  everyone everybody something anything nothing everything urgently quickly first last next only even`));
/** After a word that is also a name, these make it a name: "mark SAID", "will RANG", "its grace HERE". */
const AFTER_NAME = new Set(normaliseList('said says told tells rang rings texted messaged emailed asked asks reckons wants gave sent here thinks knows promised x xx xxx'));
const AFTER_NAME_PAIRS = new Set(['is my', 'was my', 'and me', 'and i']);
/** Name-like words that are mostly verbs after a person: "my pa will ring", "my mum may come". */
const MODAL = new Set(['will', 'may']);
/** Before a word that is also a name, these make it a word: "the summer and i", "a bill from the council". */
const DETERMINER = new Set(normaliseList('a an the my your his her our their this that these those every each last next some any no'));
/** Stop an address: what follows is the question again. */
const ADDRESS_END = new Set(normaliseList('and but can could please pls so because cos coz i im if when where who why which is do does how what will would changed'));
const ADDRESS_WORDS = 8;
const STRONG_STREET = new Set(normaliseList('street st road rd avenue ave lane ln crescent cres terrace mews grove boulevard gardens'));
const WEAK_STREET = new Set(normaliseList(`close way court drive place walk view rise row square park hill croft fields gate parade green vale wharf
  house lodge tower towers heights mansions buildings cottage cottages`));
const STREET_FIRST = new Set(normaliseList('calle rue ulica ul strada str rua rruga avenida via'));
const NEAR_STREET = new Set(normaliseList('on at off in near down up along live lives living lived address moved move moving from to opposite outside'));
/** Places everyone the service serves lives in: naming them identifies nobody. */
const WHOLE_AREA = new Set(normaliseList('uk england britain nottinghamshire notts nottingham'));
const MONTHS = new Set(normaliseList('january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'));
const NUMBER_WORDS = new Set(normaliseList(`zero oh nought one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
  seventeen eighteen nineteen twenty thirty thousand hundred first second third fourth fifth sixth seventh eighth ninth tenth
  eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth`));

function normaliseList(words: string): string[] {
  return words.split(/\s+/).filter((w) => w !== '').map(normaliseText);
}

interface Token {
  text: string;
  /** What came before it (spaces, punctuation, emoji). */
  before: string;
  /** Set for what stage 1 found. */
  tag?: Kind;
  kept?: string;
  /** Normalised words of a word token ("x-ray" → ["x", "ray"]). */
  parts: string[];
  norm: string;
  masked?: Kind;
  sentenceStart: boolean;
}

const TOKEN = new RegExp(String.raw`${TAG_OPEN}([\uE100-\uEFFF])${TAG_CLOSE}|${KEEP_OPEN}([\uE100-\uEFFF])${KEEP_CLOSE}|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’._-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*`, 'gu');
const SENTENCE_END = /[.!?…\n]/;

function tokenise(text: string, stash: string[]): { tokens: Token[]; after: string } {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const before = text.slice(last, m.index);
    last = m.index + m[0].length;
    const sentenceStart = tokens.length === 0 || SENTENCE_END.test(before);
    if (m[1] !== undefined) tokens.push({ text: m[0], before, tag: KINDS[uncode(m[1])]!, parts: [], norm: '', sentenceStart });
    else if (m[2] !== undefined) tokens.push({ text: stash[uncode(m[2])]!, before, kept: stash[uncode(m[2])]!, parts: [], norm: '', sentenceStart });
    else {
      const norm = normaliseText(m[0]);
      tokens.push({ text: m[0], before, parts: norm.split(' ').filter((p) => p !== ''), norm, sentenceStart });
    }
  }
  return { tokens, after: text.slice(last) };
}

const isWord = (t: Token | undefined): t is Token => t !== undefined && t.tag === undefined && t.kept === undefined;
const isNumber = (t: Token) => /^\d[\d.,:/'’-]*$/.test(t.text);
const isOrdinal = (t: Token) => /^\d{1,2}(?:st|nd|rd|th)$/i.test(t.text);

class Reader {
  private readonly shouty: boolean;

  constructor(private readonly words: KnownWords, private readonly tokens: Token[]) {
    // In a message typed in capitals, or with every word capitalised, a capital says nothing about names.
    const letters = tokens.filter(isWord).map((t) => t.text).join('');
    const cased = letters.match(/[\p{Lu}\p{Ll}]/gu)?.length ?? 0;
    const upper = letters.match(/\p{Lu}/gu)?.length ?? 0;
    const wordTokens = tokens.filter((t) => isWord(t) && /^[\p{Lu}\p{Ll}]/u.test(t.text));
    const titled = wordTokens.filter((t) => /^\p{Lu}/u.test(t.text)).length;
    this.shouty = (cased >= 6 && upper / cased > 0.6) || (wordTokens.length >= 4 && titled / wordTokens.length >= 0.6);
  }

  /** Masks each word on its own, then by what is around it. */
  read(): void {
    for (const t of this.tokens) if (isWord(t)) t.masked = this.alone(t);
    this.cues();
    this.streets();
    for (let pass = 0; pass < 3; pass++) if (!this.namesByContext()) break;
  }

  private known(t: Token): boolean {
    return t.parts.length > 0 && t.parts.every((p) => this.words.known.has(p));
  }

  private common(t: Token): boolean {
    return t.parts.length > 0 && t.parts.every((p) => this.words.common.has(p));
  }

  private nameLike(t: Token): boolean {
    return t.parts.length === 1 && this.words.nameLike.has(t.parts[0]!);
  }

  private capitalised(t: Token): boolean {
    if (this.shouty || t.sentenceStart || t.text === 'I' || /^I['’]/.test(t.text)) return false;
    return /^\p{Lu}(?:\p{Ll}|$|['’])/u.test(t.text);
  }

  /** What a word is on its own: a known word, a short number or an amount is kept. */
  private alone(t: Token): Kind | undefined {
    if (isNumber(t)) return t.text.split(/[^\d]+/).some((g) => g.length > 3) ? 'number' : undefined;
    if (/^\d{1,2}(?:am|pm)$/i.test(t.text) || isOrdinal(t)) return undefined;
    if (t.parts.some((p) => this.words.names.has(p))) return 'name';
    // The words of a cue say what follows, not who: "dob", "insta", "bday".
    if (CUES.has(t.norm)) return undefined;
    // A possessive of a name-like word is a name: "grace's pa", "mark's flat".
    const possessive = /^(.+)['’]s$/iu.exec(t.text);
    if (possessive && this.words.nameLike.has(normaliseText(possessive[1]!))) return 'name';
    if (possessive && this.words.names.has(normaliseText(possessive[1]!))) return 'name';
    // Dots and underscores join handles and emails ("jay.smith", "rose_w"); short acronyms ("u.c", "d.o.b") pass.
    if (/[._]/.test(t.text)) return t.parts.join('').length <= 4 && this.words.known.has(t.parts.join('')) ? undefined : 'word';
    return this.known(t) ? undefined : 'word';
  }

  /** Is `i` the last word of a cue? The longest one wins. */
  private cueAt(i: number): Tier | undefined {
    const words: string[] = [];
    for (let j = i; j >= 0 && words.length < LONGEST_CUE; j--) {
      const t = this.tokens[j]!;
      if (!isWord(t) || (j < i && SENTENCE_END.test(this.tokens[j + 1]!.before))) break;
      words.unshift(t.norm);
    }
    for (let n = words.length; n >= 1; n--) {
      const tier = CUES.get(words.slice(words.length - n).join(' '));
      if (tier) return tier;
    }
    return undefined;
  }

  private aDay(i: number): boolean {
    const before = this.tokens[i - 1]?.norm;
    if (before === 'on') return true;
    if (before !== 'the') return false;
    const next = this.tokens[i + 1];
    return this.tokens[i - 2]?.norm === 'on' || !isWord(next) || /[^\s]/.test(next.before) || next.norm === 'of';
  }

  /** Should the word right after a cue of this tier be masked? */
  private introduced(tier: Tier, t: Token): Kind | undefined {
    if (t.masked) return tier === 'place' ? 'place' : tier === 'address' ? 'address' : 'name';
    switch (tier) {
      case 'naming':
        return FUNCTION.has(t.norm) || isNumber(t) ? undefined : 'name';
      case 'person':
        if (this.capitalised(t) && !this.common(t)) return 'name';
        // "my pa will ring me" is not Will; "my pa will." or "my pa will rang" is.
        if (MODAL.has(t.norm)) return this.capitalised(t) || this.endsOrSays(t) ? 'name' : undefined;
        return this.nameLike(t) ? 'name' : undefined;
      case 'place':
        if (isNumber(t)) return 'address';
        if (FUNCTION.has(t.norm) || WHOLE_AREA.has(t.norm)) return undefined;
        return this.common(t) && !this.nameLike(t) && !this.capitalised(t) ? undefined : 'place';
      default:
        return undefined;
    }
  }

  /** Is `t` the last word of its sentence, or followed by a word that makes it a name ("said", "rang")? */
  private endsOrSays(t: Token): boolean {
    const next = this.tokens[this.tokens.indexOf(t) + 1];
    return !isWord(next) || /[^\s]/.test(next.before) || AFTER_NAME.has(next.norm);
  }

  /** A name or place goes on while the words look like more of it: "jay SMITH", "grace GREEN", "Nguyễn Văn AN". */
  private continues(t: Token): boolean {
    return this.capitalised(t) || (!FUNCTION.has(t.norm) && (t.masked !== undefined || this.nameLike(t)));
  }

  private cues(): void {
    let pending: Tier | undefined;
    let chain: { kind: Kind; left: number } | undefined;
    let dateLeft = 0;
    let addressLeft = 0;
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (SENTENCE_END.test(t.before)) (pending = undefined), (chain = undefined), (dateLeft = 0), (addressLeft = 0);
      if (!isWord(t)) {
        chain = undefined;
        pending = undefined;
        continue;
      }
      if (addressLeft > 0) {
        // "my address is 2 the mews, church lane, ruddington and ...": it runs on, commas and all, to the question;
        // "the address FOR the training centre" or "proof of address OF ..." is no address.
        const first = addressLeft === ADDRESS_WORDS;
        if (first && FILLERS.address.has(t.norm)) {
          addressLeft--;
          continue;
        }
        // Right after "address" (no "is" or colon), only a number or a name starts one: not "the address fell through".
        const bare = first && !/:/.test(t.before);
        const starts = isNumber(t) || t.masked !== undefined || this.capitalised(t);
        if (ADDRESS_END.has(t.norm) || (first && FUNCTION.has(t.norm) && t.norm !== 'the') || (bare && !starts)) addressLeft = 0;
        else {
          t.masked = 'address';
          addressLeft--;
          continue;
        }
      }
      if (dateLeft > 0) {
        if (FILLERS.date.has(t.norm) || t.norm === 'and') {
          dateLeft--;
          continue;
        }
        if (isNumber(t) || isOrdinal(t) || MONTHS.has(t.norm) || t.parts.every((p) => NUMBER_WORDS.has(p))) {
          t.masked = 'date';
          dateLeft--;
          continue;
        }
        dateLeft = 0;
      }
      // An ordinal day on its own: "on the 5th", "it's the 3rd", but not "by the 2nd week".
      if (isOrdinal(t) && this.aDay(i)) t.masked = 'date';
      // "call me, it's about ...": a name given is not split from its cue by a comma; a greeting may be ("thanks, grace").
      if (pending === 'naming' && /[,;:]/.test(t.before) && !/^\s*:\s*$/.test(t.before)) pending = undefined;
      if (pending && !FILLERS[pending].has(t.norm)) {
        const kind = this.introduced(pending, t);
        pending = undefined;
        if (kind) {
          t.masked = kind === 'address' || kind === 'place' || !t.masked || t.masked === 'word' ? kind : t.masked;
          chain = { kind: kind === 'address' ? 'place' : kind, left: 3 };
          continue;
        }
      } else if (chain) {
        if (this.continues(t) && chain.left > 0) {
          t.masked = chain.kind;
          chain.left--;
          continue;
        }
        chain = undefined;
      }
      const cue = this.cueAt(i);
      if (cue === 'date') dateLeft = 10;
      else if (cue === 'address') addressLeft = ADDRESS_WORDS;
      else if (cue) pending = pending === 'naming' ? 'naming' : cue;
    }
  }

  /** "church street", "Mill Court", "calle Mayor": a street's name goes with it. */
  private streets(): void {
    const ts = this.tokens;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (!isWord(t)) continue;
      if (STREET_FIRST.has(t.norm) && !t.sentenceStart) {
        for (let j = i + 1, n = 0; j < ts.length && n < 3 && isWord(ts[j]) && !SENTENCE_END.test(ts[j]!.before); j++, n++) ts[j]!.masked = 'address';
        continue;
      }
      const strong = STRONG_STREET.has(t.norm);
      if ((!strong && !WEAK_STREET.has(t.norm)) || t.masked === 'name') continue;
      const p = ts[i - 1];
      if (!isWord(p) || t.sentenceStart || FUNCTION.has(p.norm) || MONTHS.has(p.norm)) continue;
      const numbered = ts[i - 2] !== undefined && (isNumber(ts[i - 2]!) || ts[i - 2]!.tag === 'address');
      // "asda close" is a shop closing; "acacia avenue" and "Mill Close" are streets.
      const named = (strong && p.masked !== undefined) || this.capitalised(p) || isNumber(p);
      const placed = strong
        ? this.nameLike(p) || ts.slice(Math.max(0, i - 4), i - 1).some((x) => isWord(x) && NEAR_STREET.has(x.norm))
        : this.cueAt(i - 2) === 'place' || (['the', 'number', 'no'].includes(ts[i - 2]?.norm ?? '') && this.cueAt(i - 3) === 'place');
      if (!named && !numbered && !placed) continue;
      t.masked = 'address';
      p.masked = 'address';
      const q = ts[i - 2];
      if (isWord(q) && !FUNCTION.has(q.norm) && (isNumber(q) || q.masked !== undefined || this.capitalised(q) || this.nameLike(q))) q.masked = 'address';
    }
  }

  /** Words that are also names, where they are names; true if any changed. */
  private namesByContext(): boolean {
    let changed = false;
    const ts = this.tokens;
    const joined = (a: Token, b: Token) => /^[\s,'’-]*$/.test(b.before) && !SENTENCE_END.test(b.before) && a !== b;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (!isWord(t) || t.masked || !this.nameLike(t)) continue;
      const prev = ts[i - 1];
      const next = ts[i + 1];
      if (isWord(prev) && DETERMINER.has(prev.norm) && !this.capitalised(t)) continue;
      const nextWord = isWord(next) && joined(t, next) ? next : undefined;
      const after = nextWord && isWord(ts[i + 2]) ? `${nextWord.norm} ${ts[i + 2]!.norm}` : '';
      const byNeighbour =
        // A masked word after it ("grace okafor"), a capitalised one before it, or another name-like word.
        (nextWord !== undefined && (nextWord.masked !== undefined || this.nameLike(nextWord))) ||
        (next !== undefined && next.tag !== undefined && joined(t, next)) ||
        (prev !== undefined && joined(prev, t) && (this.nameLike(prev) || (prev.masked !== undefined && (prev.masked === 'name' || this.capitalised(prev) || this.capitalised(t)))));
      // A message that is just "grace", or a sentence that is just "Grace." or "Rose x", is a name.
      const lastOfSentence = !isWord(next) || SENTENCE_END.test(next.before) || AFTER_NAME.has(next.norm);
      const alone = t.sentenceStart && lastOfSentence && (/^\p{Lu}/u.test(t.text) || this.tokens.filter(isWord).length === 1);
      if (this.capitalised(t) || alone || byNeighbour || (nextWord && AFTER_NAME.has(nextWord.norm)) || AFTER_NAME_PAIRS.has(after)) {
        t.masked = 'name';
        changed = true;
      }
    }
    return changed;
  }
}

function stage1(text: string, stash: string[]): string {
  // Private-use characters typed by someone are dropped, so they cannot pass for a mark.
  let out = text.replace(/[\uE000-\uEFFF]/gu, ' ').replace(AMOUNT, (m) => `${KEEP_OPEN}${code(stash.push(m) - 1)}${KEEP_CLOSE}`);
  for (const [pattern, kind] of RULES) {
    out = out.replace(pattern, (m) => {
      // Never cut through what an earlier rule found.
      if (MARKED.test(m)) return m;
      return `${TAG_OPEN}${code(KINDS.indexOf(typeof kind === 'function' ? kind(m) : kind))}${TAG_CLOSE}`;
    });
  }
  return out;
}

function render(tokens: Token[], after: string): string {
  let out = '';
  let last: Kind | undefined;
  for (const t of tokens) {
    const kind = t.tag ?? t.masked;
    if (kind && last && /^\s*$/.test(t.before) && (kind === last || (WORD_KINDS.includes(kind) && WORD_KINDS.includes(last)))) {
      // One mask for a run: "jay smith" is one name, and its length says nothing.
      if (WORD_KINDS.includes(kind) && WORD_KINDS.indexOf(kind) < WORD_KINDS.indexOf(last)) {
        out = out.slice(0, out.length - SHOWN[last].length) + SHOWN[kind];
        last = kind;
      }
      continue;
    }
    out += t.before + (kind ? SHOWN[kind] : t.text);
    last = kind;
  }
  return (out + after).replace(/\s+/g, ' ').trim();
}

/** The message with anything that could identify someone masked, for showing in a report. */
export function anonymise(text: string): string {
  return anonymiseWith(knownWords(), text);
}

export function anonymiseWith(words: KnownWords, text: string): string {
  const stash: string[] = [];
  // Invisible characters inside a word (zero-width spaces, joiners, direction marks) would split "j\u200Bay" into
  // harmless-looking bits; between emoji they are left alone.
  const joined = text.replace(/(?<=[\p{L}\p{M}\p{N}])\p{Cf}+(?=[\p{L}\p{M}\p{N}])/gu, '');
  const { tokens, after } = tokenise(stage1(joined, stash), stash);
  new Reader(words, tokens).read();
  return render(tokens, after);
}

/** May a single word (already lower case) be shown on its own, as one of a group's shared words? */
export function isShareableWord(word: string): boolean {
  const words = knownWords();
  const parts = normaliseText(word).split(' ').filter((p) => p !== '');
  return parts.length > 0 && parts.every((p) => words.known.has(p) && !words.nameLike.has(p));
}
