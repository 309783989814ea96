import { describe, expect, it } from 'vitest';
import { SlotUnionFind } from '../../src/dedupe/slot-union-find.js';

describe('SlotUnionFind', () => {
  it('joins, unions and finds; clear empties it for the next use, growing keeps what it holds', () => {
    const sets = new SlotUnionFind();
    for (const slot of [3, 5, 9]) sets.join(slot, slot);
    sets.join(7, 3);
    sets.union(5, 9);
    sets.mark(5);
    expect(sets.find(7)).toBe(3);
    expect(sets.find(9)).toBe(sets.find(5));
    expect(sets.find(9)).not.toBe(sets.find(3));
    expect(sets.has(4)).toBe(false);
    expect([...sets.members]).toEqual([3, 5, 9, 7]);

    sets.grow(1000);
    expect(sets.find(7)).toBe(3);
    expect(sets.marked(5)).toBe(true);
    sets.join(900, 900);
    sets.union(900, 7);

    sets.clear();
    expect(sets.members).toEqual([]);
    for (const slot of [3, 5, 7, 9, 900]) {
      expect(sets.has(slot)).toBe(false);
      expect(sets.marked(slot)).toBe(false);
    }
    sets.join(9, 9);
    expect(sets.find(9)).toBe(9);
  });
});
