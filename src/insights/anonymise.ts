/** @module Removes what could identify someone from a message before it is shown as an example in a report. */

/** Each rule replaces a kind of identifying text with a neutral tag. Order matters: emails before numbers. */
const RULES: Array<[RegExp, string]> = [
  [/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, '[email]'],
  [/\b(?:https?:\/\/|www\.)\S+/gi, '[link]'],
  // UK postcodes (NG1 5DT, ng15dt).
  [/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/gi, '[postcode]'],
  // National Insurance numbers (AB 12 34 56 C).
  [/\b[A-CEGHJ-PR-TW-Z]{2}\s*\d{2}\s*\d{2}\s*\d{2}\s*[A-D]\b/gi, '[id number]'],
  // Phone numbers: + or 0 then 9-13 digits with spaces, dots or dashes.
  [/(?:\+|\b0)\d(?:[\s.-]?\d){8,12}\b/g, '[phone]'],
  // House numbers with a street word: "12 Acacia Avenue", "flat 3".
  [/\b\d+[a-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:street|st|road|rd|avenue|ave|lane|ln|close|crescent|drive|dr|way|court|ct|grove|place|terrace|gardens)\b/gi, '[address]'],
  [/\b(?:flat|apartment|room|house)\s+(?:no\.?\s*)?\d+[a-z]?\b/gi, '[address]'],
  // Any run of 5 or more digits that is left (reference numbers, bank details).
  [/\d{5,}/g, '[number]'],
];

/**
 * Names people give: "my name is Jay", "I'm Jay Smith", "this is Jay", "my PA Sarah". The lead-in is matched in
 * any case, the name only when capitalised, so "im 22" and "my pa is off sick" stay as they are. Erring towards
 * removing a capitalised word after "I am" is the safe side.
 */
const NAME = /\b(my name is|my names|my name's|i am|i'm|im|this is|call me|my (?:pa|worker|adviser|advisor|social worker|carer|boyfriend|girlfriend|partner|mum|dad|son|daughter|friend|mate)(?: is)?(?: called)?)\s+([A-Za-z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)/gi;

export function anonymise(text: string): string {
  const withoutNames = text.replace(NAME, (whole, lead: string, name: string) => {
    const [first, second] = name.split(/\s+/) as [string, string | undefined];
    if (!/^[A-Z]/.test(first)) return whole;
    // The pattern is case-blind, so a following lower-case word ("Sarah ring") is not part of the name.
    return second && !/^[A-Z]/.test(second) ? `${lead} [name] ${second}` : `${lead} [name]`;
  });
  return RULES.reduce((t, [pattern, tag]) => t.replace(pattern, tag), withoutNames).replace(/\s+/g, ' ').trim();
}
