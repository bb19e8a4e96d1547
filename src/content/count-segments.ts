/** @module SMS segment counting as Twilio bills it (GSM-7 or UCS-2), using Twilio's own calculator. */
import { SegmentedMessage } from 'sms-segments-calculator';

export function countSegments(text: string): number {
  if (text === '') return 0;
  return new SegmentedMessage(text).segmentsCount;
}

/** Characters that would force the whole message into UCS-2 (70 characters a segment instead of 160). */
export function nonGsmCharacters(text: string): string[] {
  return new SegmentedMessage(text).getNonGsmCharacters();
}
