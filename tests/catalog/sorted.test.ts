import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySorted, applySortedWith } from '../../src/catalog/sorted.js';

interface Item {
  readonly key: number;
  readonly id: string;
}
const compare = (a: Item, b: Item) => a.key - b.key;

describe('applySortedWith', () => {
  it('gives applySorted’s list and, beside it, each item’s projection, for few changes and many', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(20), { maxLength: 150 }),
        fc.array(fc.nat(20), { maxLength: 100 }),
        fc.array(fc.nat(), { maxLength: 100 }),
        (keys, addedKeys, removedPicks) => {
          const list = keys.map((key, i) => ({ key, id: `a${i}` })).sort(compare);
          const removed = [
            ...new Set(removedPicks.map((n) => list[n % Math.max(1, list.length)])),
          ].filter((x): x is Item => x !== undefined);
          const added = addedKeys.map((key, i) => ({ key, id: `b${i}` }));
          const projected = list.map((x) => x.id);
          const result = applySortedWith(list, projected, removed, added, compare, (x) => x.id);
          expect(result.list).toEqual(applySorted(list, removed, added, compare));
          expect(result.projected).toEqual(result.list.map((x) => x.id));
          expect(projected).toEqual(list.map((x) => x.id)); // the inputs are left as they were
        },
      ),
      { numRuns: 300 },
    );
  });
});
