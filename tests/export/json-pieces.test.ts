/**
 * Big tables written as JSON entry by entry (export/json-pieces.ts): the text reads back as
 * JSON.stringify's of the same object, and comes in pieces, not as one string.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonEntries, jsonPieces } from '../../src/export/json-pieces.js';

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const leaf = fc.oneof(
  text,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const entries = fc.array(fc.tuple(fc.oneof(text, fc.constant('__proto__')), leaf), {
  maxLength: 8,
});

/** The object JSON.stringify is compared against: JsonEntries become objects of their entries. */
function plain(v: unknown): unknown {
  if (v instanceof JsonEntries) {
    const o: Record<string, unknown> = {};
    for (const [k, item] of v.entries)
      Object.defineProperty(o, k, {
        value: plain(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return o;
  }
  if (v && typeof v === 'object' && !Array.isArray(v))
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, plain(item)]));
  return v;
}

describe('JSON written in pieces', () => {
  it('parses as JSON.stringify of the same value', () => {
    fc.assert(
      fc.property(entries, entries, fc.array(leaf, { maxLength: 3 }), text, (a, b, list, name) => {
        const value = {
          version: 1,
          name,
          skipped: undefined,
          list,
          nested: { a: new JsonEntries(a), b: new JsonEntries(new Map(b)) },
          rows: new JsonEntries(a.map(([k, v]) => [k, { v, at: list }] as const)),
        };
        const written = [...jsonPieces(value)].join('');
        expect(written.endsWith('\n')).toBe(true);
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(plain(value))));
      }),
      { numRuns: 500, seed: 20261205 },
    );
  });

  it('cuts a big table into pieces of about 64 K characters', () => {
    const rows = new Map(
      Array.from({ length: 20_000 }, (_, i) => [`path/${i}/index.html`, `k${i}`]),
    );
    const pieces = [...jsonPieces({ version: 1, files: new JsonEntries(rows) })];
    expect(pieces.length).toBeGreaterThan(5);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024 + 100);
    const back = JSON.parse(pieces.join('')) as { files: Record<string, string> };
    expect(Object.keys(back.files)).toHaveLength(20_000);
    expect(back.files['path/19999/index.html']).toBe('k19999');
  });
});
