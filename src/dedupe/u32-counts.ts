/**
 * A count per u32 key, in one typed array: what a Map<number, number> holds, without a heap number
 * per key (keys at or above 2^30 are not small integers in V8) or the Map's tables. Open
 * addressing with linear probing; a slot is two words, the key then its count, and a count of 0
 * marks an empty slot, so a key whose count falls to 0 is gone. Deletion shifts the following
 * entries back (no tombstones). The table doubles past a load of 0.7 and halves below 1/8, so a
 * publisher whose articles leave does not keep a big one.
 */
const MIN_CAPACITY = 8;
const MAX_COUNT = 0xffffffff;

export class U32Counts {
  private slots: Uint32Array;
  private mask: number;
  /** 32 − log2(capacity): the hash's top bits pick the home slot. */
  private shift: number;
  private entries = 0;

  constructor() {
    this.slots = new Uint32Array(2 * MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.shift = 32 - Math.log2(MIN_CAPACITY);
  }

  /** Keys with a count above 0. */
  get size(): number {
    return this.entries;
  }

  /** Slots in the table (for tests of growth and shrinking). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** The key's count; 0 when it has none. */
  get(key: number): number {
    const at = this.find(key >>> 0);
    return at < 0 ? 0 : this.slots[2 * at + 1]!;
  }

  has(key: number): boolean {
    return this.find(key >>> 0) >= 0;
  }

  /** Adds `delta` (may be negative) to the key's count and returns the new count. */
  add(key: number, delta: number): number {
    key >>>= 0;
    let at = this.find(key);
    const next = (at < 0 ? 0 : this.slots[2 * at + 1]!) + delta;
    if (!Number.isInteger(next) || next < 0 || next > MAX_COUNT)
      throw new RangeError(`count of ${key} would be ${next}`);
    if (at >= 0) {
      if (next === 0) this.removeAt(at);
      else this.slots[2 * at + 1] = next;
      return next;
    }
    if (next === 0) return 0;
    if ((this.entries + 1) * 10 > this.capacity * 7) {
      this.resize(this.capacity * 2);
      at = this.find(key);
    }
    const slot = ~at;
    this.slots[2 * slot] = key;
    this.slots[2 * slot + 1] = next;
    this.entries++;
    return next;
  }

  /** Forgets the key; false when it had no count. */
  delete(key: number): boolean {
    const at = this.find(key >>> 0);
    if (at < 0) return false;
    this.removeAt(at);
    return true;
  }

  /** [key, count] of every key with a count, in no particular order. */
  *[Symbol.iterator](): IterableIterator<[number, number]> {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i += 2)
      if (slots[i + 1] !== 0) yield [slots[i]!, slots[i + 1]!];
  }

  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The key's slot, or ~slot of the empty one where it would go. */
  private find(key: number): number {
    const slots = this.slots;
    let i = this.home(key);
    while (slots[2 * i + 1] !== 0) {
      if (slots[2 * i] === key) return i;
      i = (i + 1) & this.mask;
    }
    return ~i;
  }

  private removeAt(hole: number): void {
    const slots = this.slots;
    const mask = this.mask;
    // Each following entry of the run moves into the hole if the hole lies between its home and it.
    for (let j = (hole + 1) & mask; slots[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = this.home(slots[2 * j]!);
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots[2 * hole] = slots[2 * j]!;
        slots[2 * hole + 1] = slots[2 * j + 1]!;
        hole = j;
      }
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
    this.entries--;
    if (this.capacity > MIN_CAPACITY && this.entries * 8 < this.capacity)
      this.resize(this.capacity / 2);
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(2 * capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      const at = ~this.find(old[i]!);
      this.slots[2 * at] = old[i]!;
      this.slots[2 * at + 1] = old[i + 1]!;
    }
  }
}
