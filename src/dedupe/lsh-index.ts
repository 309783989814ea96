import { BANDS, bandHash } from './near-dup.js';
import type { Signature } from './signature.js';

/**
 * The LSH band index that near-dup.ts builds whole, kept instead and updated one signature at a
 * time. Per band, the members sorted by band hash in 4 bytes each: the hash's top BUCKET_BITS pick
 * a bucket (a table of where each bucket starts), and an entry is the next TAG_BITS of the hash
 * with the member below them. Entries agreeing with a look-up's hash in those 23 bits are checked
 * against the whole hash of the member's signature (one agrees by chance once in 2^23 / members:
 * ~0.5% of look-ups at 45,000 articles). 84 bytes per member and a fixed 344 KB, where float64
 * (hash, member) keys took 168. The caller gives the signature a member was added with to remove
 * it, and hands it out by slot for the check, so the index keeps no hashes per member. Members
 * are small integers (slots) the caller hands out; changes are applied in one go before the next
 * look-up (one by one for a few, by one sort for many).
 */
const SLOT_BITS = 21;
const SLOTS = 2 ** SLOT_BITS;
const TAG_BITS = 32 - SLOT_BITS;
const BUCKET_BITS = 12;
const BUCKETS = 2 ** BUCKET_BITS;
/** An entry sorts by (bucket, entry) as this number: bucket × 2^32 + entry, exact in a double. */
const ENTRY_SPAN = 2 ** 32;
/** Past this many changes to a band, filtering and sorting it once beats moving it per change. */
const SORT_AFTER = 64;

interface Band {
  entries: Uint32Array;
  length: number;
  /** Bucket b's entries are entries[starts[b], starts[b + 1]); allocated with the first member. */
  starts: Uint32Array;
  /** Pending changes, each as bucket × 2^32 + entry. */
  readonly adding: number[];
  readonly removing: number[];
}

const NO_STARTS = new Uint32Array(BUCKETS + 1);

/** The member and band hash as one sortable number: bucket × 2^32 + (tag × 2^21 + slot). */
function keyOf(hash: number, slot: number): number {
  const bucket = hash >>> (32 - BUCKET_BITS);
  const tag = (hash >>> (32 - BUCKET_BITS - TAG_BITS)) & (2 ** TAG_BITS - 1);
  return bucket * ENTRY_SPAN + tag * SLOTS + slot;
}

export class LshIndex {
  /** `signatureOf(slot)`: the signature the member was added with. */
  constructor(private readonly signatureOf: (slot: number) => Signature) {}

  private readonly bands: Band[] = Array.from({ length: BANDS }, () => ({
    entries: new Uint32Array(0),
    length: 0,
    starts: NO_STARTS,
    adding: [],
    removing: [],
  }));

  add(slot: number, sig: Signature): void {
    if (slot >= SLOTS)
      throw new Error(`near-duplicate detection handles at most ${SLOTS - 1} articles`);
    for (let band = 0; band < BANDS; band++)
      this.bands[band]!.adding.push(keyOf(bandHash(sig, band), slot));
  }

  /** `sig`: the signature the member was added with. */
  remove(slot: number, sig: Signature): void {
    for (let band = 0; band < BANDS; band++) {
      // Adds first, so that a member added and removed before any look-up is not left behind.
      const b = this.bands[band]!.adding.length ? this.settled(band) : this.bands[band]!;
      b.removing.push(keyOf(bandHash(sig, band), slot));
    }
  }

  /**
   * Every other member that shares a band with `slot`, added with `sig` (a member sharing
   * several, once per band), of those `wanted` (asked first: it spares the band's check).
   */
  forEachCandidate(
    slot: number,
    sig: Signature,
    wanted: (other: number) => boolean,
    visit: (other: number) => void,
  ): void {
    for (let band = 0; band < BANDS; band++) {
      const b = this.settled(band);
      const hash = bandHash(sig, band);
      const key = keyOf(hash, slot);
      const bucket = Math.floor(key / ENTRY_SPAN);
      const tag = (key % ENTRY_SPAN) >>> SLOT_BITS;
      const end = b.starts[bucket + 1]!;
      for (let at = lowerBound(b, bucket, tag * SLOTS); at < end; at++) {
        const entry = b.entries[at]!;
        if (entry >>> SLOT_BITS !== tag) break;
        const other = entry & (SLOTS - 1);
        if (other !== slot && wanted(other) && bandHash(this.signatureOf(other), band) === hash)
          visit(other);
      }
    }
  }

  private settled(band: number): Band {
    const b = this.bands[band]!;
    if (b.adding.length + b.removing.length === 0) return b;
    if (b.starts === NO_STARTS) b.starts = new Uint32Array(BUCKETS + 1);
    if (b.adding.length + b.removing.length > SORT_AFTER) sortAll(b);
    else {
      for (const key of b.removing) removeOne(b, key);
      for (const key of b.adding) addOne(b, key);
    }
    b.adding.length = 0;
    b.removing.length = 0;
    return b;
  }
}

/** Applies a band's pending changes by one sort of every key (sized to fit: a rescan of many files is the cold build again). */
function sortAll(b: Band): void {
  const gone = new Set(b.removing);
  const keys = new Float64Array(b.length + b.adding.length);
  let n = 0;
  for (let bucket = 0; bucket < BUCKETS; bucket++)
    for (let at = b.starts[bucket]!; at < b.starts[bucket + 1]!; at++) {
      const key = bucket * ENTRY_SPAN + b.entries[at]!;
      if (!gone.has(key)) keys[n++] = key;
    }
  keys.set(b.adding, n);
  n += b.adding.length;
  const sorted = keys.subarray(0, n).sort();
  const entries = new Uint32Array(n);
  b.starts.fill(0);
  for (let at = 0; at < n; at++) {
    entries[at] = sorted[at]! % ENTRY_SPAN;
    b.starts[Math.floor(sorted[at]! / ENTRY_SPAN) + 1]!++;
  }
  for (let bucket = 0; bucket < BUCKETS; bucket++) b.starts[bucket + 1]! += b.starts[bucket]!;
  b.entries = entries;
  b.length = n;
}

function removeOne(b: Band, key: number): void {
  const bucket = Math.floor(key / ENTRY_SPAN);
  const entry = key % ENTRY_SPAN;
  const at = lowerBound(b, bucket, entry);
  if (at === b.starts[bucket + 1]! || b.entries[at] !== entry) return;
  b.entries.copyWithin(at, at + 1, b.length);
  b.length--;
  for (let next = bucket + 1; next <= BUCKETS; next++) b.starts[next]!--;
}

function addOne(b: Band, key: number): void {
  if (b.length === b.entries.length) {
    const entries = new Uint32Array(b.length + Math.max(64, b.length >>> 6));
    entries.set(b.entries);
    b.entries = entries;
  }
  const bucket = Math.floor(key / ENTRY_SPAN);
  const entry = key % ENTRY_SPAN;
  const at = lowerBound(b, bucket, entry);
  b.entries.copyWithin(at + 1, at, b.length);
  b.entries[at] = entry;
  b.length++;
  for (let next = bucket + 1; next <= BUCKETS; next++) b.starts[next]!++;
}

/** The first place in the bucket whose entry is not below `entry`. */
function lowerBound(b: Band, bucket: number, entry: number): number {
  let low = b.starts[bucket]!;
  let high = b.starts[bucket + 1]!;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (b.entries[mid]! < entry) low = mid + 1;
    else high = mid;
  }
  return low;
}
