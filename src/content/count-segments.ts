/** @module SMS segment counting as Twilio bills it (GSM-7 or UCS-2), using Twilio's own calculator. */
import { SegmentedMessage } from 'sms-segments-calculator';

/**
 * The calculator splits text into graphemes, which is slow next to everything else in a turn, while most
 * replies are the same few hundred rendered answers: counts are remembered, up to a bound.
 */
const remembered = new Map<string, number>();
const REMEMBER_AT_MOST = 5_000;

export function countSegments(text: string): number {
  if (text === '') return 0;
  let n = remembered.get(text);
  if (n === undefined) {
    n = new SegmentedMessage(text).segmentsCount;
    if (remembered.size >= REMEMBER_AT_MOST) remembered.delete(remembered.keys().next().value!);
    remembered.set(text, n);
  }
  return n;
}

/** Characters that would force the whole message into UCS-2 (70 characters a segment instead of 160). */
export function nonGsmCharacters(text: string): string[] {
  return new SegmentedMessage(text).getNonGsmCharacters();
}
