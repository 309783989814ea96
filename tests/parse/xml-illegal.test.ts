import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripXmlIllegal } from '../../src/parse/text.js';

/** What XML 1.0 allows, and the noncharacters U+FDD0–U+FDEF left out: the rule itself, code point by code point. */
function allowed(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd && !(codePoint >= 0xfdd0 && codePoint <= 0xfdef)) ||
    codePoint >= 0x10000
  );
}

function byTheRule(text: string): string {
  let out = '';
  for (const c of text) if (allowed(c.codePointAt(0)!)) out += c; // a lone surrogate is its own c
  return out;
}

/** Texts of code units from every range the rule tells apart, lone and paired surrogates among them. */
const units = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\t', '\n', '\r', '\u0000', '\u0008', '\u001f', ' ', 'a', '新', '\uFFFD'),
    fc.constantFrom('\uFDCF', '\uFDD0', '\uFDEF', '\uFDF0', '\uFFFE', '\uFFFF', '\uE000', '\uD7FF'),
    fc.constantFrom('\uD83D', '\uDE00', '\uD800', '\uDFFF', '😀', '𠀋'),
    fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
  ),
  maxLength: 40,
});

describe('stripXmlIllegal', () => {
  it('keeps ordinary text as it is', () => {
    const text = '新闻 news\tline\r\nend 😀 𠀋';
    expect(stripXmlIllegal(text)).toBe(text);
  });

  it('removes controls, U+FFFE/U+FFFF, the U+FDD0–U+FDEF noncharacters and lone surrogates', () => {
    expect(stripXmlIllegal('a\u0000b\u0008c\uFFFEd\uFFFFe\uFDD0f\uFDEFg')).toBe('abcdefg');
    expect(stripXmlIllegal('x\uD83Dy\uDE00z')).toBe('xyz');
    expect(stripXmlIllegal('😀\u0001新\uD800')).toBe('😀新');
  });

  it('does what the rule says for any text', () => {
    fc.assert(
      fc.property(units, (text) => stripXmlIllegal(text) === byTheRule(text)),
      { numRuns: 2000 },
    );
  });
});
