/** @module CLD2 (Google's Compact Language Detector, the `cld` package) as a synchronous hint for short texts. */
import { createRequire } from 'node:module';

interface CldResult {
  reliable: boolean;
  languages: Array<{ code: string; percent: number }>;
}

type NativeDetect = (text: string, isPlainText: boolean, languageHint: string, encodingHint: string, tldHint: string, httpHint: string, bestEffort: boolean) => CldResult;

// The package's documented detect() is async; its native binding also exports the same call synchronously,
// which a turn (one synchronous transaction) needs. Loaded once, by path, from the installed package.
const native = createRequire(import.meta.url)('cld/build/Release/cld') as { detect: NativeDetect };

/** CLD2's languages for the text, best first; empty when it cannot tell (it throws on very short input). */
export function cldDetect(text: string): Array<{ code: string; percent: number }> {
  try {
    return native.detect(text, true, '', '', '', '', true).languages;
  } catch {
    return [];
  }
}
