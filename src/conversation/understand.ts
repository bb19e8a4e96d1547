/** @module Reads one message: risk first, then whole-message commands, menu numbers, then the intent match. */
import type { Commands } from '../intents/load-intents.js';
import type { IntentMatcher, MatchResult } from '../intents/match-intent.js';
import { normaliseText } from '../intents/normalise-text.js';
import type { RiskFinding, RiskScreen } from '../safety/screen-risk.js';

export type Command = 'stop' | 'start' | 'help' | 'more';

export interface Understanding {
  empty: boolean;
  hasMedia: boolean;
  risk: RiskFinding | null;
  command: Command | null;
  /** The keyword as typed, normalised ("yes" is START only for someone who has opted out). */
  commandWord: string | null;
  /** A bare number 1-9, for picking from a menu. */
  menuChoice: number | null;
  match: MatchResult;
  /** Two or three topics when the message asks several things at once; otherwise empty. */
  topics: string[];
}

export interface Understander {
  screen: RiskScreen;
  matcher: IntentMatcher;
  commands: Commands;
}

function moreSerious(a: RiskFinding | null, b: RiskFinding | null): RiskFinding | null {
  if (!a) return b;
  if (!b) return a;
  return b.level === 'urgent' && a.level !== 'urgent' ? b : a;
}

/** Pure given its inputs: the same text always reads the same way. */
export function understand(text: string, mediaCount: number, deps: Understander): Understanding {
  const plain = normaliseText(text);
  // Screened as written and with text-speak spelled out ("wud be better off wivout me"); the more serious wins.
  const risk = moreSerious(deps.screen.screen(text), deps.screen.screen(deps.matcher.normalise(text)));
  let command: Command | null = null;
  for (const name of ['stop', 'start', 'help', 'more'] as const) {
    if (deps.commands[name].some((w) => normaliseText(w) === plain)) {
      command = name;
      break;
    }
  }
  const number = /^[1-9]$/.exec(plain.replace(/^(option|number|no) /, ''));
  return {
    empty: plain === '',
    hasMedia: mediaCount > 0,
    risk,
    command,
    commandWord: command ? plain : null,
    menuChoice: number ? Number(number[0]) : null,
    match: deps.matcher.match(text),
    topics: deps.matcher.topicsOfClauses(text),
  };
}
