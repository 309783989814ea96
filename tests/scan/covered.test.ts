import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveredItems, replaceCovered } from '../../src/scan/covered.js';
import { compareStrings } from '../../src/scan/walk.js';

const segment = fc.constantFrom('a', 'b', 'b0', 'c.md', 'd', 'é');
const pathArb = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
const byPath = (a: { p: string }, b: { p: string }) => compareStrings(a.p, b.p);
const under = (p: string, cover: string) => p === cover || p.startsWith(`${cover}/`);

describe('replaceCovered', () => {
  it('keeps what no covered path covers, adds what was found there, in order: as filtering and sorting would', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(pathArb, { maxLength: 200 }),
        fc.array(pathArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(1000)),
        (listed, covered, picks) => {
          const previous = listed.map((p) => ({ p, was: true })).sort(byPath);
          // Found: files under the covered paths (new ones, or the same paths again).
          const candidates = [...new Set(listed.concat(covered.map((c) => `${c}/n.md`)))];
          const found = [
            ...new Set(
              picks
                .map((n) => candidates[n % Math.max(1, candidates.length)])
                .filter((p): p is string => p !== undefined && covered.some((c) => under(p, c))),
            ),
          ]
            .map((p) => ({ p, was: false }))
            .sort(byPath);
          const { next, dropped } = replaceCovered(previous, covered, found, (x) => x.p);
          const covers = (x: { p: string }) => covered.some((c) => under(x.p, c));
          expect(next).toEqual([...previous.filter((x) => !covers(x)), ...found].sort(byPath));
          expect(dropped).toEqual(previous.filter(covers));
          expect(coveredItems(previous, covered, (x) => x.p)).toEqual(dropped);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('places a few found items among many by search, and many by merging, with the same result', () => {
    const previous = Array.from({ length: 3000 }, (_, i) => ({
      p: `d/${String(i).padStart(5, '0')}`,
    }));
    const found = [{ p: 'd/00100.5' }, { p: 'd/02999x' }, { p: 'e' }];
    const { next } = replaceCovered(previous, ['d/00100.5', 'd/02999x', 'e'], found, (x) => x.p);
    expect(next.length).toBe(3003);
    expect(next.map((x) => x.p)).toEqual(
      [...previous, ...found].map((x) => x.p).sort(compareStrings),
    );
  });
});
