/** The boilerplate counts' hash table: the same answers as a Map<number, number> of counts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { U32Counts } from '../../src/dedupe/u32-counts.js';

/** The home slot of a key in a table of 2^bits slots (the table's own hash). */
const home = (key: number, bits: number) => Math.imul(key, 0x9e3779b1) >>> (32 - bits);

function keysWithHome(slot: number, bits: number, n: number, from = 1): number[] {
  const keys: number[] = [];
  for (let key = from; keys.length < n; key++) if (home(key, bits) === slot) keys.push(key);
  return keys;
}

function expectSame(counts: U32Counts, model: Map<number, number>, probe: readonly number[]) {
  expect(counts.size).toBe(model.size);
  for (const key of probe) expect(counts.get(key), `key ${key}`).toBe(model.get(key) ?? 0);
  expect(new Map([...counts])).toEqual(model);
  // Below 0.7 full, and above 1/8 unless at the smallest size.
  expect(counts.size * 10).toBeLessThanOrEqual(counts.capacity * 7);
  if (counts.capacity > 8) expect(counts.size * 8).toBeGreaterThanOrEqual(counts.capacity);
}

describe('U32Counts', () => {
  it('counts keys across the whole u32 range, and forgets a key whose count falls to 0', () => {
    const counts = new U32Counts();
    for (const key of [0, 1, 2 ** 30, 2 ** 31, 0xffffffff]) {
      expect(counts.add(key, 2)).toBe(2);
      expect(counts.add(key, -1)).toBe(1);
    }
    expect(counts.size).toBe(5);
    expect(counts.get(0xffffffff)).toBe(1);
    expect(counts.get(12345)).toBe(0);
    expect(counts.add(0, -1)).toBe(0);
    expect(counts.has(0)).toBe(false);
    expect(counts.delete(2 ** 31)).toBe(true);
    expect(counts.delete(2 ** 31)).toBe(false);
    expect(new Map([...counts])).toEqual(
      new Map([
        [1, 1],
        [2 ** 30, 1],
        [0xffffffff, 1],
      ]),
    );
  });

  it('refuses a count below 0', () => {
    const counts = new U32Counts();
    expect(() => counts.add(7, -1)).toThrow(RangeError);
    counts.add(7, 1);
    expect(() => counts.add(7, -2)).toThrow(RangeError);
    expect(counts.get(7)).toBe(1);
  });

  it('finds every key of a run that wraps past the last slot after one of it is deleted', () => {
    // Four keys at home in slot 7 of 8 fill 7, 0, 1, 2; one at home in slot 0 goes to 3.
    const wrapped = keysWithHome(7, 3, 4);
    const atZero = keysWithHome(0, 3, 1)[0]!;
    for (const first of wrapped) {
      const counts = new U32Counts();
      const model = new Map<number, number>();
      for (const key of [...wrapped, atZero]) {
        counts.add(key, 1);
        model.set(key, 1);
      }
      expect(counts.capacity).toBe(8);
      counts.delete(first);
      model.delete(first);
      expectSame(counts, model, [...wrapped, atZero]);
    }
  });

  it('grows as keys come and shrinks back to its smallest size as they leave', () => {
    const counts = new U32Counts();
    const keys = Array.from({ length: 20_000 }, (_, i) => (i * 2654435761 + 2 ** 31) >>> 0);
    for (const key of keys) counts.add(key, 1);
    expect(counts.size).toBe(20_000);
    expect(counts.capacity).toBe(32_768);
    for (const key of keys.slice(0, 19_000)) counts.add(key, -1);
    expect(counts.size).toBe(1_000);
    expect(counts.capacity).toBeLessThanOrEqual(8_192);
    for (const key of keys.slice(19_000)) expect(counts.get(key)).toBe(1);
    for (const key of keys.slice(19_000)) counts.delete(key);
    expect(counts.capacity).toBe(8);
  });

  it('agrees with a Map through random adds and removes, growing and shrinking', () => {
    const scenario = fc
      .uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 300 })
      .chain((pool) =>
        fc.record({
          pool: fc.constant(pool),
          ops: fc.array(
            fc.record({ i: fc.nat(pool.length - 1), delta: fc.integer({ min: -3, max: 4 }) }),
            { maxLength: 800 },
          ),
          drain: fc.shuffledSubarray(pool, { minLength: pool.length }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ pool, ops, drain }) => {
        const counts = new U32Counts();
        const model = new Map<number, number>();
        for (const { i, delta } of ops) {
          const key = pool[i]!;
          const next = (model.get(key) ?? 0) + delta;
          if (next < 0) {
            expect(() => counts.add(key, delta)).toThrow(RangeError);
          } else {
            expect(counts.add(key, delta)).toBe(next);
            if (next === 0) model.delete(key);
            else model.set(key, next);
          }
          expect(counts.get(key)).toBe(model.get(key) ?? 0);
        }
        expectSame(counts, model, pool);
        drain.forEach((key, n) => {
          expect(counts.delete(key)).toBe(model.delete(key));
          expect(counts.get(key)).toBe(0);
          if (n % 16 === 0) expectSame(counts, model, pool);
        });
        expectSame(counts, model, pool);
        expect(counts.capacity).toBe(8);
      }),
      { numRuns: 200 },
    );
  });
});
