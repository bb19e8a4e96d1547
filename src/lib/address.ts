/** @module What a contact's address is: a phone number, or an id a channel gave us instead of one. */

/** E.164, as contacts' phone numbers are kept. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * False for a WhatsApp business-scoped user id (US.13491208655302741918: the person hides their number) or a
 * short code: such an address can be answered only on the channel it came from.
 */
export function isPhoneNumber(address: string): boolean {
  return E164.test(address);
}
