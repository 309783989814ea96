import { BANDS, bandHash } from './near-dup.js';
import type { Signature } from './signature.js';

/**
 * The LSH band index that near-dup.ts builds whole, kept instead and updated one signature at a
 * time: per band, the members' (band hash, member) pairs packed in one float64 each and kept
 * sorted, as near-dup.ts sorts them, so the members with an equal band hash are adjacent and
 * found by binary search. 168 bytes per member and little slack: the caller gives the signature a
 * member was added with to look it up or remove it, so the index keeps no hashes per member.
 * Members are small integers (slots) the caller hands out; changes are applied in one go before
 * the next look-up (one by one for a few, by one sort for many).
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
    keys: new Float64Array(0),
    length: 0,
    adding: [],
    removing: [],
  }));

  add(slot: number, sig: Signature): void {
    if (slot >= SLOT_BITS)
      throw new Error(`near-duplicate detection handles at most ${SLOT_BITS - 1} articles`);
    for (let band = 0; band < BANDS; band++)
      this.bands[band]!.adding.push(bandHash(sig, band) * SLOT_BITS + slot);
  }

  /** `sig`: the signature the member was added with. */
  remove(slot: number, sig: Signature): void {
    for (let band = 0; band < BANDS; band++) {
      // Adds first, so that a member added and removed before any look-up is not left behind.
      const b = this.bands[band]!.adding.length ? this.settled(band) : this.bands[band]!;
      b.removing.push(bandHash(sig, band) * SLOT_BITS + slot);
    }
  }

  /**
   * Every other member that shares a band with `slot`, added with `sig` (a member sharing
   * several, once per band).
   */
  forEachCandidate(slot: number, sig: Signature, visit: (other: number) => void): void {
    for (let band = 0; band < BANDS; band++) {
      const b = this.settled(band);
      const hash = bandHash(sig, band);
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
      // Sized to fit: a rescan of many files is the cold build's sort again, not growth.
      const keys = new Float64Array(kept.length + b.adding.length);
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
          const keys = new Float64Array(b.length + Math.max(64, b.length >>> 6));
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
