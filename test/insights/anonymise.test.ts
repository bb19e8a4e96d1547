/**
 * The anonymiser on tricky texts (test/fixtures/anonymise/*.jsonl): names, emails, handles, phone numbers,
 * addresses and dates of birth go, in any case and any script; the words of the question stay.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anonymise, isShareableWord } from '../../src/insights/anonymise.js';
import { knownWords } from '../../src/insights/known-words.js';

interface Case { file: string; line: number; text: string; gone?: string[]; kept?: string[] }

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'anonymise');
const cases: Case[] = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().flatMap((file) =>
  readFileSync(join(dir, file), 'utf8').split('\n').flatMap((l, i) => (l.trim() === '' ? [] : [{ file, line: i + 1, ...(JSON.parse(l) as Omit<Case, 'file' | 'line'>) }])),
);

const fold = (s: string) => s.normalize('NFKC').toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Is `s` still in `out`? Latin text as a whole word ("jo" is not in "job"); other scripts anywhere, since they
 * do not always separate words. Digits also count when only the spacing changed ("07700900123" in "07700 900123").
 */
function survives(out: string, s: string): boolean {
  const o = fold(out);
  const w = fold(s);
  const found = /[a-z]/.test(w) ? new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])`, 'u').test(o) : o.includes(w);
  const digits = w.replace(/\D/g, '');
  return found || (digits.length >= 4 && digits === w.replace(/[\s./-]/g, '') && o.replace(/\D/g, '').includes(digits));
}

describe('anonymise', () => {
  it('is checked on at least 100 tricky texts, each with something that must go or stay', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(cases.filter((c) => (c.gone ?? []).length > 0).length).toBeGreaterThanOrEqual(100);
    expect(cases.filter((c) => (c.kept ?? []).length > 0).length).toBeGreaterThanOrEqual(50);
    for (const c of cases) expect((c.gone ?? []).length + (c.kept ?? []).length, `${c.file}:${c.line}`).toBeGreaterThan(0);
  });

  it.each(cases)('$file:$line  $text', (c) => {
    const out = anonymise(c.text);
    for (const s of c.gone ?? []) expect(survives(out, s), `"${s}" survived: ${out}`).toBe(false);
    for (const s of c.kept ?? []) expect(survives(out, s), `"${s}" was lost: ${out}`).toBe(true);
  });

  it('shows what was masked by kind, one mask for a run of words', () => {
    expect(anonymise('hi my name is jay smith and i need a deposit')).toBe('hi my name is [name] and i need a deposit');
    expect(anonymise("i'm Amira, can my PA Sarah ring me")).toBe("i'm [name], can my PA [name] ring me");
    expect(anonymise('email me jay.smith+test@gmail.com about the grant')).toBe('email me [email] about the grant');
    expect(anonymise('my email is jay dot smith at gmail dot com')).toBe('my email is [email]');
    expect(anonymise('call me on 07700 900123 pls')).toBe('call me on [phone] pls');
    expect(anonymise('i live at 12 Acacia Avenue NG5 1AB can u send it')).toBe('i live at [address] [postcode] can u send it');
    expect(anonymise('im in flat 3b and the boiler is broken')).toBe('im in [address] and the boiler is broken');
    expect(anonymise('my dob is 12/03/2005')).toBe('my dob is [date]');
    expect(anonymise('my NI number is AB 12 34 56 C')).toBe('my NI number is [id number]');
    expect(anonymise('reference 123456789 from universal credit')).toBe('reference [number] from universal credit');
    expect(anonymise('see www.example.org/page?id=7')).toBe('see [link]');
    expect(anonymise('my insta is @jay_smith99')).toBe('my insta is [handle]');
    expect(anonymise('im from eritrea and need a solicitor')).toBe('im from [place] and need a solicitor');
    // A word nobody knows is masked too, whatever it is: safe by default.
    expect(anonymise('can i get a zorblax grant')).toBe('can i get a […] grant');
  });

  it('leaves ordinary questions, ages, amounts and short numbers alone', () => {
    for (const t of ['im 22 can i still get help', 'is the grant £3,000', 'band a for 8 weeks', 'do i have to pay council tax', 'my pa is off sick']) {
      expect(anonymise(t)).toBe(t);
    }
  });

  it('reads the vocabulary once, however many messages it anonymises', () => {
    const first = knownWords();
    anonymise('my name is jay');
    expect(knownWords()).toBe(first);
    // The content's own words are in it, and names are not.
    expect(first.known.has('guarantor')).toBe(true);
    expect(first.known.has('smith')).toBe(false);
  });

  it('lets a group show a shared word only if it is a known word and not a name', () => {
    expect(isShareableWord('deposit')).toBe(true);
    expect(isShareableWord('council')).toBe(true);
    for (const w of ['jay', 'smith', 'sarah', 'will', 'grace', 'jay40', 'gmail', '07700900123']) expect(isShareableWord(w), w).toBe(false);
  });
});
