/** @module The core's vocabulary: messages, conversations and decisions, free of HTTP and Twilio. */
import type { SafetyKind } from '../content/catalogue.js';

export type ChannelKind = 'sms' | 'whatsapp';
export type Mode = 'bot' | 'waiting' | 'with_pa';
export type HandoffLevel = 'none' | 'routine' | 'urgent';

export interface Media {
  url: string;
  contentType: string;
}

/** One message from a young person, as any channel hands it to the core. */
export interface InboundMessage {
  /** The provider's id (Twilio MessageSid); the database keeps it unique so a retry is never a second message. */
  providerId: string;
  channel: ChannelKind;
  /**
   * Without any channel prefix: E.164 for a phone number, else the id as the channel sent it (a WhatsApp user who
   * hides their number has a business-scoped id such as US.13491208655302741918, and is answered at that id).
   */
  from: string;
  to: string;
  text: string;
  media: Media[];
  receivedAt: Date;
  /** Typed into the web simulator, whose sender is whatever number was typed: never a staff phone. */
  simulated?: boolean;
}

/** What a conversation remembers between turns. */
export interface ConversationState {
  /** The numbered options last offered; a bare number on the next turn picks one. */
  menu?: string[];
  /** The topic last answered, so MORE and a follow-up ("how much?") know what it is about. */
  lastTopic?: string;
  /** The longer answer of this topic was given: another MORE says that is all instead of repeating it. */
  moreGiven?: string;
  /** How many turns in a row were not understood. */
  misses?: number;
  /** The languages last offered as a numbered list; a number on the next turn chooses one. */
  languageOffer?: string[];
  /** Asked once already which of two close languages they read (Dari or Farsi...): not asked again. */
  languageAsked?: boolean;
  /**
   * "Are you safe right now?" was asked after a possible risk: the kind of safety reply to send if the answer
   * is no, or if more distress follows while a person is awaited.
   */
  checkIn?: SafetyKind;
  /** "Do you still want a person?" was asked after "never mind": the next yes or no settles it. */
  cancelAsked?: boolean;
}

export type LanguageSource = 'chosen' | 'detected';

export interface Conversation {
  id: number;
  contactId: number;
  channel: ChannelKind;
  address: string;
  language: string | null;
  /** 'chosen' when they picked it: a choice is not overturned by one message. */
  languageSource: LanguageSource | null;
  optedOut: boolean;
  mode: Mode;
  handoffLevel: HandoffLevel;
  state: ConversationState;
}

/** The name of what was understood; the `intent` field of `simulate`. */
export type IntentName =
  | 'topic' | 'greeting' | 'thanks' | 'human' | 'crisis' | 'card' | 'more'
  | 'optout.stop' | 'optout.start' | 'help' | 'language' | 'menu' | 'fallback'
  | 'media' | 'forwarded' | 'silenced' | 'relay' | 'check-in' | 'check-in.answer' | 'cancel';

/** One piece of a reply, worded later from content/ (never in code). */
export type ReplyPart =
  | { kind: 'topic'; id: string; part: 'short' | 'more'; /** Not after a yes/no question: a leading "Yes" is left out. */ withoutYes?: boolean }
  | { kind: 'system'; key: string; vars?: Readonly<Record<string, string>> }
  /** The safety reply for a kind of risk (content/safety.yaml). */
  | { kind: 'safety'; reply: SafetyKind }
  | { kind: 'menu'; options: string[] }
  /** Text written by the answer model from retrieved passages (already checked against them). */
  | { kind: 'text'; text: string }
  /** A numbered list of languages (all, or the codes given), each written in its own script. */
  | { kind: 'languages'; codes?: string[] };

/** A message to send; `parts` are joined into one text. */
export interface ReplyPlan {
  parts: ReplyPart[];
  /** Sent even to a contact who opted out: the safety reply must at least be attempted. */
  ignoreOptOut?: boolean;
}

/** The pure result of one turn: what to say, what to remember, and why. */
export interface Decision {
  intent: IntentName;
  /** The language the replies are written in (and remembered for the contact). */
  language: string;
  languageSource: LanguageSource | null;
  topic: string | null;
  handoff: HandoffLevel;
  /** The trigger recorded for the PA (risk category, "asked for a person", ...). */
  handoffReason?: string;
  /** What the screen found, shown to the PA: the category, the finding's language and the concepts that fired. */
  handoffSignals?: string;
  replies: ReplyPlan[];
  optOut?: 'stop' | 'start';
  mode: Mode;
  state: ConversationState;
  /** Human-readable reasons for the event log and `explain`. */
  why: string[];
  /** Recorded once on the contact: they came from the 21Plus birthday card. */
  source?: 'card';
  /** The young person no longer wants the person they asked for: the open routine handoff is withdrawn. */
  withdrawHandoff?: boolean;
}
