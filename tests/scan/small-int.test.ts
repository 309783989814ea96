/** smallInt keeps a Stats number as it is, only in V8's unboxed form where one fits. */
import { describe, expect, it } from 'vitest';
import { smallInt } from '../../src/scan/small-int.js';

describe('smallInt', () => {
  it('gives back every number unchanged, the large, negative and fractional ones too', () => {
    for (const n of [0, 1, 11067, 65024, 5359411, 0x3fffffff, 0x40000000, 2 ** 31, 2 ** 32 + 5])
      expect(smallInt(n)).toBe(n);
    for (const n of [2 ** 53 - 1, 1796265404308.9575, 0.5, -1, -(2 ** 31), Number.NaN])
      expect(smallInt(n)).toBe(n);
  });
});
