/** The anonymiser on tricky texts: numbers, emails, addresses and names go; the question stays readable. */
import { describe, expect, it } from 'vitest';
import { anonymise } from '../../src/insights/anonymise.js';

describe('anonymise', () => {
  it.each([
    ['call me on 07700 900123 pls', 'call me on [phone] pls'],
    ['my number is +44 7700-900-123', 'my number is [phone]'],
    ['email me jay.smith+test@gmail.com about the grant', 'email me [email] about the grant'],
    ['i live at 12 Acacia Avenue NG5 1AB can u send it', 'i live at [address] [postcode] can u send it'],
    ['im in flat 3b and the boiler is broken', 'im in [address] and the boiler is broken'],
    ["hi my name is Jay Smith and i need a deposit", 'hi my name is [name] and i need a deposit'],
    ["i'm Amira, can my PA Sarah ring me", "i'm [name], can my PA [name] ring me"],
    ['my NI number is AB 12 34 56 C', 'my NI number is [id number]'],
    ['ref 123456789 from universal credit', 'ref [number] from universal credit'],
    ['see www.example.org/page?id=7', 'see [link]'],
  ])('%s', (text, expected) => {
    expect(anonymise(text)).toBe(expected);
  });

  it('leaves ordinary questions, ages, amounts and short numbers alone', () => {
    for (const t of ['im 22 can i still get help', 'is the grant £3,000', 'band a for 8 weeks', 'do i have to pay council tax', 'my pa is off sick']) {
      expect(anonymise(t)).toBe(t);
    }
  });
});
