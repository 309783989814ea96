import { BANDS, bandHash } from './near-dup.js';

/**
 * The LSH band index that near-dup.ts builds whole, kept instead and updated one signature at a
 * time: per band, the members' (band hash, member) pairs packed in one float64 each and kept
 * sorted, as near-dup.ts sorts them, so the members with an equal band hash are adjacent and
 * found by binary search. About 250 bytes per member. Members are small integers (slots) the
 * caller hands out; changes are applied in one go before the next look-up (one by one for a few,
 * by one sort for many).
 */
const SLOT_BITS = 2 ** 21;
/** Past this many changes to a band, filtering and sorting it once beats moving it per change. */
const SORT_AFTER = 64;

interface Band {
  keys: Float64Array;
  length: number;
  readonly adding: number[];
  readonly removing: number[];
}

export class LshIndex {
  private readonly bands: Band[] = Array.from({ length: BANDS }, () => ({
    keys: new Float64Array(64),
    length: 0,
    adding: [],
    removing: [],
  }));
  /** Per member, its band hashes as indexed (the signature itself may change later). */
  private hashes = new Uint32Array(0);

  add(slot: number, sig: Uint32Array): void {
    if (slot >= SLOT_BITS)
      throw new Error(`near-duplicate detection handles at most ${SLOT_BITS - 1} articles`);
    this.reserve(slot);
    for (let band = 0; band < BANDS; band++) {
      const hash = bandHash(sig, band);
      this.hashes[slot * BANDS + band] = hash;
      this.bands[band]!.adding.push(hash * SLOT_BITS + slot);
    }
  }

  remove(slot: number): void {
    for (let band = 0; band < BANDS; band++) {
      // Adds first, so that a member added and removed before any look-up is not left behind.
      const b = this.bands[band]!.adding.length ? this.settled(band) : this.bands[band]!;
      b.removing.push(this.hashes[slot * BANDS + band]! * SLOT_BITS + slot);
    }
  }

  /** Every other member that shares a band with `slot` (a member sharing several, once per band). */
  forEachCandidate(slot: number, visit: (other: number) => void): void {
    for (let band = 0; band < BANDS; band++) {
      const b = this.settled(band);
      const hash = this.hashes[slot * BANDS + band]!;
      for (let at = lowerBound(b, hash * SLOT_BITS); at < b.length; at++) {
        const key = b.keys[at]!;
        if (Math.floor(key / SLOT_BITS) !== hash) break;
        const other = key % SLOT_BITS;
        if (other !== slot) visit(other);
      }
    }
  }

  private settled(band: number): Band {
    const b = this.bands[band]!;
    if (b.adding.length + b.removing.length === 0) return b;
    if (b.adding.length + b.removing.length > SORT_AFTER) {
      const gone = new Set(b.removing);
      const kept = b.keys.subarray(0, b.length).filter((key) => !gone.has(key));
      const keys = new Float64Array(Math.max(64, (kept.length + b.adding.length) * 1.25));
      keys.set(kept);
      keys.set(b.adding, kept.length);
      b.length = kept.length + b.adding.length;
      keys.subarray(0, b.length).sort();
      b.keys = keys;
    } else {
      for (const key of b.removing) {
        const at = lowerBound(b, key);
        if (b.keys[at] !== key) continue;
        b.keys.copyWithin(at, at + 1, b.length);
        b.length--;
      }
      for (const key of b.adding) {
        if (b.length === b.keys.length) {
          const keys = new Float64Array(b.keys.length * 2);
          keys.set(b.keys);
          b.keys = keys;
        }
        const at = lowerBound(b, key);
        b.keys.copyWithin(at + 1, at, b.length);
        b.keys[at] = key;
        b.length++;
      }
    }
    b.adding.length = 0;
    b.removing.length = 0;
    return b;
  }

  private reserve(slot: number): void {
    if ((slot + 1) * BANDS <= this.hashes.length) return;
    const hashes = new Uint32Array(
      Math.max(64, slot + 1, (this.hashes.length / BANDS) * 2) * BANDS,
    );
    hashes.set(this.hashes);
    this.hashes = hashes;
  }
}

function lowerBound(b: Band, key: number): number {
  let low = 0;
  let high = b.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (b.keys[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}
