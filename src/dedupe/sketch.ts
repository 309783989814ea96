/**
 * A compact, fixed-seed sketch of an article's text for near-duplicate detection, made where the
 * text is (in the parse workers) so that only about half a kilobyte per article, and no text,
 * reaches the main thread. It is kept for every article, so one Uint32Array holds, tightly:
 *
 *   [0, K/2)      a one-permutation MinHash signature over character 5-gram shingles of the
 *                 article's long paragraphs (folded, side by side: re-wrapping does not matter),
 *                 b-bit: the low 16 bits of each bin's minimum, two bins per word (EMPTY16: none)
 *   K/2, K/2+1    P, the number of paragraphs, and S, the number of short ones
 *   then P words  a 32-bit key of every paragraph (for learning boilerplate and for diff summaries)
 *   then S words  per short paragraph (≤ SHORT_PARAGRAPH chars, where bylines, captions, footers
 *                 and promos live): its index among the paragraphs × 256 + n
 *   then          each short paragraph's n shingle hashes (bin in the low 7 bits, value above)
 *                 that beat the long text's minimum in their bin, whole.
 *
 * MinHash of a union is the bin-wise minimum, so the signature of "long text plus every short
 * paragraph except the learned boilerplate" is the long signature lowered by the kept
 * paragraphs' hashes — exact, and without keeping any text. A kept hash always beats the long
 * text's minimum, so only those need their whole value (to order them among themselves); the
 * long text's needs only the 16 bits compared. A short paragraph against thousands of long-text
 * shingles wins a few bins, so the hashes cost a few bytes per paragraph.
 */

/** Signature length (bins). 128 bins: the similarity estimate's standard error is ≤ 0.045. */
export const K = 128;
export const LOG2_K = 7;
/** Character n-gram length: 5 characters of Chinese are about two words. */
const SHINGLE = 5;
/** Paragraphs up to this many folded characters may be furniture (and may be learned as such). */
export const SHORT_PARAGRAPH = 100;
/**
 * Texts shorter than this (in folded characters) are never near-duplicates: a few dozen
 * characters give too few shingles to tell a copy from two items of one template
 * (`第 12 篇…` / `第 13 篇…`). They still merge when their text is identical.
 */
export const MIN_COMPARABLE_TEXT = 100;
/** An empty bin while sketching (values are 25 bits, so this stays a small integer for the engine). */
const EMPTY = 0x7fffffff;
/** An empty bin of a b-bit signature; a value whose low bits are these is kept as EMPTY16 - 1. */
export const EMPTY16 = 0xffff;
/** Words of the b-bit signature at the start of a sketch; P and S follow. */
export const SIGNATURE_WORDS = K / 2;
export const KEYS_AT = SIGNATURE_WORDS + 2;
/** A short paragraph's index is kept in 24 bits: past that, paragraphs count as long text. */
const MAX_SHORT_INDEX = 2 ** 24 - 1;

/** A 25-bit MinHash value as the signature keeps it: its low 16 bits (b-bit MinHash, b = 16). */
export function bBit(value: number): number {
  const low = value & 0xffff;
  return low === EMPTY16 ? EMPTY16 - 1 : low;
}

/**
 * One UTF-16 code unit folded for comparison, or 0 to skip it: letters and digits are kept
 * (ASCII lower-cased, fullwidth forms folded to ASCII), punctuation, spaces and symbols are not.
 * By code ranges — a per-paragraph `\p{L}\p{N}` regex with NFKC cost as much as the rest of
 * the sketch together.
 */
export function fold(c: number): number {
  if (c < 0x80) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) return c;
    return c >= 0x41 && c <= 0x5a ? c + 0x20 : 0;
  }
  if (c >= 0x4e00 && c <= 0x9fff) return c; // CJK unified ideographs: the common case
  if (c >= 0xff00 && c <= 0xffef) {
    if (c >= 0xff10 && c <= 0xff19) return c - 0xfee0; // fullwidth digits
    if (c >= 0xff21 && c <= 0xff3a) return c - 0xfee0 + 0x20; // fullwidth capitals
    if (c >= 0xff41 && c <= 0xff5a) return c - 0xfee0; // fullwidth small letters
    return c >= 0xff66 && c <= 0xffdc ? c : 0; // halfwidth kana and hangul; the rest is punctuation
  }
  if (c >= 0xc0 && c <= 0xde) return c === 0xd7 ? 0 : c + 0x20; // Latin-1 capitals
  if (c < 0xc0)
    return c === 0xaa || c === 0xb5 || c === 0xba || (c >= 0xb2 && c <= 0xb3) || c === 0xb9 ? c : 0;
  if (c < 0x2000) return c === 0xf7 || (c >= 0x37e && c <= 0x387 && c !== 0x386) ? 0 : c; // letters of most scripts
  if (c < 0x2c00 || (c >= 0x2e00 && c < 0x2e80) || (c >= 0x3000 && c < 0x3040)) return 0; // punctuation, symbols, CJK punctuation
  if (c >= 0xfe10 && c <= 0xfe6f) return 0; // vertical and small punctuation forms
  return c;
}

const FNV_OFFSET = 0x811c9dc5;
const fnv = (h: number, code: number) => Math.imul(h ^ code, 0x01000193);

/** FNV-1a over folded code units, then a murmur3 finalizer: a fixed, seedless 32-bit key. */
export function key32(codes: Uint16Array, from = 0, to = codes.length): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = fnv(h, codes[i]!);
  return fmix32(h);
}

export function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const BASE = 0x01000193;
/** BASE^(SHINGLE-1) mod 2^32, to take the outgoing character out of the rolling hash. */
const BASE_OUT = Array.from({ length: SHINGLE - 1 }).reduce<number>((p) => Math.imul(p, BASE), 1);

/** No floor: every shingle may lower its bin. */
const NO_FLOOR = new Uint32Array(K).fill(0xffffffff);

/** fold() of every UTF-16 code unit, made once: a table look-up instead of a dozen branches a character. */
let foldTable: Uint16Array | undefined;
function foldTableOf(): Uint16Array {
  if (!foldTable) {
    foldTable = new Uint16Array(0x10000);
    for (let c = 0; c < 0x10000; c++) foldTable[c] = fold(c);
  }
  return foldTable;
}

/** The sketch of a body's plain text (one paragraph per line). */
export function sketchText(text: string): Uint32Array {
  const folds = foldTableOf();
  // The whole text folded once; paragraph p is codes[starts[p], starts[p + 1]), its key keys[p]
  // (key32 of its codes, made as they are).
  const codes = new Uint16Array(text.length);
  const starts: number[] = [];
  const keys: number[] = [];
  let n = 0;
  let start = 0;
  let key = FNV_OFFSET;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 10 : text.charCodeAt(i);
    if (c === 10) {
      if (n > start) {
        starts.push(start);
        keys.push(fmix32(key));
      }
      start = n;
      key = FNV_OFFSET;
      continue;
    }
    const folded = folds[c]!;
    if (folded !== 0) {
      codes[n++] = folded;
      key = fnv(key, folded);
    }
  }
  starts.push(n);
  const count = starts.length - 1;
  const isShort = (p: number) =>
    starts[p + 1]! - starts[p]! <= SHORT_PARAGRAPH && p <= MAX_SHORT_INDEX;

  // Long paragraphs side by side, so that re-wrapping them changes nothing.
  const long = new Uint16Array(n);
  let longLength = 0;
  for (let p = 0; p < count; p++) {
    if (isShort(p)) continue;
    long.set(codes.subarray(starts[p]!, starts[p + 1]!), longLength);
    longLength += starts[p + 1]! - starts[p]!;
  }
  const comparable = n >= MIN_COMPARABLE_TEXT;
  const sig = new Uint32Array(K).fill(EMPTY);
  const lowered: number[] = [];
  if (comparable && longLength > 0) addShingles(sig, lowered, NO_FLOOR, long, 0, longLength);

  const shorts: number[] = [];
  const hashes: number[] = [];
  // A short paragraph's own minimum in each bin where it beats the long text; EMPTY elsewhere.
  const own = new Uint32Array(K).fill(EMPTY);
  lowered.length = 0;
  for (let p = 0; p < count; p++) {
    if (!isShort(p)) continue;
    const before = hashes.length;
    // Not comparable: an all-empty signature, and finalSignature gives undefined.
    if (comparable) {
      addShingles(own, lowered, sig, codes, starts[p]!, starts[p + 1]!);
      sortSmall(lowered);
      for (const bin of lowered) {
        hashes.push(own[bin]! * K + bin);
        own[bin] = EMPTY;
      }
      lowered.length = 0;
    }
    shorts.push(p * 256 + hashes.length - before);
  }

  const out = new Uint32Array(KEYS_AT + count + shorts.length + hashes.length);
  for (let bin = 0; bin < K; bin += 2) {
    const low = sig[bin] === EMPTY ? EMPTY16 : bBit(sig[bin]!);
    const high = sig[bin + 1] === EMPTY ? EMPTY16 : bBit(sig[bin + 1]!);
    out[bin >> 1] = low + high * 0x10000;
  }
  out[SIGNATURE_WORDS] = count;
  out[SIGNATURE_WORDS + 1] = shorts.length;
  out.set(keys, KEYS_AT);
  out.set(shorts, KEYS_AT + count);
  out.set(hashes, KEYS_AT + count + shorts.length);
  return out;
}

/**
 * Lowers `sig` to the minimum per bin over the shingles of codes[from, to) that are below `floor`
 * there: a polynomial rolling hash over each window of SHINGLE code units, finalized, split into
 * bin (low bits) and value. Each bin first lowered from EMPTY is added to `lowered`, so that a short
 * paragraph costs its shingles, not a pass over every bin.
 */
function addShingles(
  sig: Uint32Array,
  lowered: number[],
  floor: Uint32Array,
  codes: Uint16Array,
  from: number,
  to: number,
): void {
  const width = Math.min(SHINGLE, to - from);
  let h = 0;
  for (let i = from; i < from + width; i++) h = (Math.imul(h, BASE) + codes[i]!) | 0;
  for (let i = from + width; ; i++) {
    const x = fmix32(h ^ 0x9747b28c);
    const bin = x & (K - 1);
    const value = x >>> LOG2_K;
    if (value < floor[bin]! && value < sig[bin]!) {
      if (sig[bin] === EMPTY) lowered.push(bin);
      sig[bin] = value;
    }
    if (i >= to) break;
    h = (Math.imul(h - Math.imul(codes[i - SHINGLE]!, BASE_OUT), BASE) + codes[i]!) | 0;
  }
}

/** Sorts a few numbers in place: a short paragraph lowers a handful of bins. */
function sortSmall(values: number[]): void {
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    let j = i - 1;
    for (; j >= 0 && values[j]! > v; j--) values[j + 1] = values[j]!;
    values[j + 1] = v;
  }
}

/** Every paragraph's key, in order. */
export function paragraphKeys(sketch: Uint32Array): Uint32Array {
  return sketch.subarray(KEYS_AT, KEYS_AT + sketch[SIGNATURE_WORDS]!);
}

/** The keys of the short paragraphs (the ones that may be boilerplate), in order. */
export function shortParagraphKeys(sketch: Uint32Array): number[] {
  const shortsAt = KEYS_AT + sketch[SIGNATURE_WORDS]!;
  const keys: number[] = [];
  for (let s = 0; s < sketch[SIGNATURE_WORDS + 1]!; s++)
    keys.push(sketch[KEYS_AT + Math.floor(sketch[shortsAt + s]! / 256)]!);
  return keys;
}
