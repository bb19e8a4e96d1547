/** @module Masking of personal data before anything is logged. */

/** "+447700900123" → "+44*******123"; keeps enough to tell two numbers apart in a log, not to dial one. */
export function maskAddress(address: string): string {
  const bare = address.replace(/^whatsapp:/, '');
  if (bare.length <= 6) return '***';
  return bare.slice(0, 3) + '*'.repeat(bare.length - 6) + bare.slice(-3);
}
