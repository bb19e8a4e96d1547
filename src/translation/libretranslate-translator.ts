/** @module Translation by a LibreTranslate server (self-hostable, open source; https://libretranslate.com API). */
import type { Translator } from './translator.js';

/** LibreTranslate's codes where ours differ; languages it lacks are refused rather than mistranslated. */
const CODES: Readonly<Record<string, string>> = { prs: 'fa', ckb: 'ckb', kmr: 'ku' };

export class LibreTranslateTranslator implements Translator {
  readonly name = 'libretranslate';

  constructor(private readonly url: string, private readonly apiKey?: string) {}

  async translate(text: string, from: string, to: string, signal: AbortSignal): Promise<string> {
    const res = await fetch(`${this.url.replace(/\/+$/, '')}/translate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ q: text, source: CODES[from] ?? from, target: CODES[to] ?? to, format: 'text', ...(this.apiKey ? { api_key: this.apiKey } : {}) }),
      signal,
    });
    if (!res.ok) throw new Error(`LibreTranslate answered ${res.status}`);
    const body = (await res.json()) as { translatedText?: unknown };
    if (typeof body.translatedText !== 'string' || body.translatedText.trim() === '') throw new Error('LibreTranslate sent no translation');
    return body.translatedText.trim();
  }
}
