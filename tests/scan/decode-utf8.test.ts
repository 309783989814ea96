import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/utf8.js';

/** decodeUtf8 is a faster toString('utf8') for valid UTF-8: it must give the same string. */
describe('decodeUtf8', () => {
  const same = (bytes: Uint8Array) =>
    expect(decodeUtf8(bytes)).toBe(Buffer.from(bytes).toString('utf8'));

  it('decodes any valid UTF-8 as toString does, around the size where it changes decoder', () => {
    const piece = fc.constantFrom(
      'a',
      ' ',
      '\n',
      'é',
      '中',
      '文',
      '😀',
      '\u0000',
      '\uFEFF',
      '\u2028',
    );
    const text = fc.array(piece, { minLength: 0, maxLength: 400 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(text, (t) => {
        same(Buffer.from(t, 'utf8'));
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (t) => {
        same(Buffer.from(t));
      }),
    );
  });

  it('decodes a view into a larger buffer, not the buffer behind it', () => {
    const whole = Buffer.from(`前言${'中文'.repeat(300)}后记`);
    const view = whole.subarray(6, whole.length - 6);
    expect(decodeUtf8(view)).toBe('中文'.repeat(300));
    expect(decodeUtf8(new Uint8Array(whole.buffer, whole.byteOffset + 6, 1800))).toBe(
      '中文'.repeat(300),
    );
  });

  it('keeps a byte order mark and NUL characters for the caller to handle', () => {
    same(Buffer.from(`\uFEFF${'正文'.repeat(200)}\u0000尾`));
    expect(decodeUtf8(Buffer.from(`\uFEFF${'x'.repeat(300)}`)).charCodeAt(0)).toBe(0xfeff);
  });
});
