/** @module The one seam between the core and any messaging provider. */
import type { ChannelKind } from '../conversation/types.js';

export interface OutgoingMessage {
  channel: ChannelKind;
  /** The contact's address without any channel prefix: E.164, or the WhatsApp user id they wrote from. */
  to: string;
  body: string;
  /** Our id for the message, so a provider or a test can tell a resend from a new message. */
  ref: number;
  /** An approved WhatsApp template to send instead of free text (outside the 24-hour window). */
  template?: { contentSid: string; variables: Record<string, string> };
}

export interface SendResult {
  providerId: string;
  status: string;
  segments: number | null;
}

/** A failed send that says what to do about it: retry later or not, and a stable code for staff. */
export class SendError extends Error {
  constructor(
    readonly code: string,
    readonly retryable: boolean,
    message: string,
    /** The provider says the recipient has opted out (Twilio 21610). */
    readonly optedOut = false,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

export interface Channel {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendResult>;
  /** True where the provider itself answers STOP/START (Twilio on SMS long codes). */
  confirmsOptOut(channel: ChannelKind): boolean;
}
