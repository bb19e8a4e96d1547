/** @module The Translator seam: optional machine translation for the long tail and for PAs. */

export interface Translator {
  readonly name: string;
  /** Translates `text` from one language code to another; throws on failure (callers bound and absorb it). */
  translate(text: string, from: string, to: string, signal: AbortSignal): Promise<string>;
}

/** English names for the prompt and for providers that want names; codes follow the contract (ISO 639-1/3). */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English', ar: 'Arabic', fa: 'Persian (Iranian Farsi)', prs: 'Dari (Afghan Persian)', ps: 'Pashto', ti: 'Tigrinya',
  am: 'Amharic', ckb: 'Central Kurdish (Sorani, Arabic script)', kmr: 'Northern Kurdish (Kurmanji, Latin script)', vi: 'Vietnamese',
  sq: 'Albanian', fr: 'French', pl: 'Polish', ro: 'Romanian', so: 'Somali', ur: 'Urdu', es: 'Spanish', pt: 'Portuguese',
};
