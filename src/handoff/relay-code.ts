/** @module How a PA's text from their registered phone names its conversation: "K7Q2 message" (or "#K7Q2: message"). */

const RELAY = /^\s*#?([A-Za-z0-9]{4})\b[\s:,-]*([\s\S]*)$/;

/** The conversation code a staff text starts with (upper case) and the message after it; null when it starts with none. */
export function parseRelay(text: string): { code: string; message: string } | null {
  const m = RELAY.exec(text);
  return m ? { code: m[1]!.toUpperCase(), message: m[2]! } : null;
}
