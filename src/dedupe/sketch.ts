/**
 * A compact, fixed-seed sketch of an article's text for near-duplicate detection, made where the
 * text is (in the parse workers) so that only about half a kilobyte per article, and no text,
 * reaches the main thread. One Uint32Array holds:
 *
 *   [0, K)        a one-permutation MinHash signature over character 5-gram shingles of the
 *                 article's long paragraphs (folded, side by side: re-wrapping does not matter)
 *   K             P, the number of paragraphs
 *   [K+1, K+1+P)  a 32-bit key of every paragraph (for learning boilerplate and for diff summaries)
 *   then, per short paragraph (≤ SHORT_PARAGRAPH chars, where bylines, captions, footers and
 *   promos live): its key, a count n, and n (bin, value) pairs — the bins in which its own
 *   shingles beat the long text's minimum.
 *
 * MinHash of a union is the bin-wise minimum, so the signature of "long text plus every short
 * paragraph except the learned boilerplate" is the long signature lowered by the kept
 * paragraphs' pairs — exact, and without keeping any text. A short paragraph against thousands
 * of long-text shingles wins about one bin, so the pairs cost a few bytes per paragraph.
 */

/** Signature length (bins). 128 bins: the similarity estimate's standard error is ≤ 0.045. */
export const K = 128;
const LOG2_K = 7;
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
/** An empty bin (values are 25 bits, so this stays a small integer for the engine). */
export const EMPTY = 0x7fffffff;

/**
 * One UTF-16 code unit folded for comparison, or 0 to skip it: letters and digits are kept
 * (ASCII lower-cased, fullwidth forms folded to ASCII), punctuation, spaces and symbols are not.
 * By code ranges — a per-paragraph `\p{L}\p{N}` regex with NFKC cost as much as the rest of
 * the sketch together.
 */
function fold(c: number): number {
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

/** FNV-1a over folded code units, then a murmur3 finalizer: a fixed, seedless 32-bit key. */
export function key32(codes: Uint16Array, from = 0, to = codes.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ codes[i]!, 0x01000193);
  return fmix32(h);
}

function fmix32(x: number): number {
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

/**
 * Lowers `sig` to the minimum per bin over the shingles of `codes`: a polynomial rolling hash
 * over each window of SHINGLE code units, finalized, split into bin (low bits) and value.
 */
function addShingles(sig: Uint32Array, codes: Uint16Array, from: number, to: number): void {
  const width = Math.min(SHINGLE, to - from);
  let h = 0;
  for (let i = from; i < from + width; i++) h = (Math.imul(h, BASE) + codes[i]!) | 0;
  for (let i = from + width; ; i++) {
    const x = fmix32(h ^ 0x9747b28c);
    const bin = x & (K - 1);
    const value = x >>> LOG2_K;
    if (value < sig[bin]!) sig[bin] = value;
    if (i >= to) break;
    h = (Math.imul(h - Math.imul(codes[i - SHINGLE]!, BASE_OUT), BASE) + codes[i]!) | 0;
  }
}

/** The sketch of a body's plain text (one paragraph per line). */
export function sketchText(text: string): Uint32Array {
  // The whole text folded once; paragraph p is codes[starts[p], starts[p + 1]).
  const codes = new Uint16Array(text.length);
  const starts: number[] = [];
  let n = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 10 : text.charCodeAt(i);
    if (c === 10) {
      if (n > start) starts.push(start);
      start = n;
      continue;
    }
    const folded = fold(c);
    if (folded !== 0) codes[n++] = folded;
  }
  starts.push(n);
  const count = starts.length - 1;
  const isShort = (p: number) => starts[p + 1]! - starts[p]! <= SHORT_PARAGRAPH;

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
  if (comparable && longLength > 0) addShingles(sig, long, 0, longLength);

  const shortRecords: number[] = [];
  const own = new Uint32Array(K);
  for (let p = 0; p < count; p++) {
    if (!isShort(p)) continue;
    const at = shortRecords.length;
    shortRecords.push(key32(codes, starts[p]!, starts[p + 1]!), 0);
    if (!comparable) continue; // an all-empty signature: finalSignature gives undefined
    own.fill(EMPTY);
    addShingles(own, codes, starts[p]!, starts[p + 1]!);
    for (let bin = 0; bin < K; bin++) {
      if (own[bin]! < sig[bin]!) shortRecords.push(bin, own[bin]!);
    }
    shortRecords[at + 1] = (shortRecords.length - at - 2) / 2;
  }

  const out = new Uint32Array(K + 1 + count + shortRecords.length);
  out.set(sig, 0);
  out[K] = count;
  for (let p = 0; p < count; p++) out[K + 1 + p] = key32(codes, starts[p]!, starts[p + 1]!);
  out.set(shortRecords, K + 1 + count);
  return out;
}

/** Every paragraph's key, in order. */
export function paragraphKeys(sketch: Uint32Array): Uint32Array {
  return sketch.subarray(K + 1, K + 1 + sketch[K]!);
}

/** The keys of the short paragraphs (the ones that may be boilerplate), in order. */
export function shortParagraphKeys(sketch: Uint32Array): number[] {
  const keys: number[] = [];
  for (let at = K + 1 + sketch[K]!; at < sketch.length; at += 2 + 2 * sketch[at + 1]!)
    keys.push(sketch[at]!);
  return keys;
}

/**
 * The similarity signature: long text plus every short paragraph not in `ignored`, with empty
 * bins filled from the next non-empty one (densification), so short texts compare fairly.
 * Undefined when nothing is left to compare (an article of boilerplate only).
 */
export function finalSignature(
  sketch: Uint32Array,
  ignored?: ReadonlySet<number>,
): Uint32Array | undefined {
  const sig = sketch.slice(0, K);
  for (let at = K + 1 + sketch[K]!; at < sketch.length; at += 2 + 2 * sketch[at + 1]!) {
    if (ignored?.has(sketch[at]!)) continue;
    const n = sketch[at + 1]!;
    for (let e = 0; e < n; e++) {
      const bin = sketch[at + 2 + 2 * e]!;
      const value = sketch[at + 3 + 2 * e]!;
      if (value < sig[bin]!) sig[bin] = value;
    }
  }
  return densify(sig);
}

function densify(sig: Uint32Array): Uint32Array | undefined {
  let filled = -1;
  for (let bin = 0; bin < K; bin++) if (sig[bin] !== EMPTY) filled = bin;
  if (filled === -1) return undefined;
  const out = sig.slice();
  for (let bin = 0; bin < K; bin++) {
    if (sig[bin] !== EMPTY) continue;
    let distance = 1;
    while (sig[(bin + distance) % K] === EMPTY) distance++;
    // The borrowed value is marked by the distance, so two texts agree here only if they agree there.
    out[bin] =
      fmix32((sig[(bin + distance) % K]! + Math.imul(distance, 0x9e3779b1)) >>> 0) >>> LOG2_K;
  }
  return out;
}

/** Estimated Jaccard similarity of the two texts' shingle sets: the share of equal bins. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let bin = 0; bin < K; bin++) if (a[bin] === b[bin]) equal++;
  return equal / K;
}

/** Whether similarity(a, b) ≥ threshold, stopping as soon as too many bins differ. */
export function similarAtLeast(a: Uint32Array, b: Uint32Array, threshold: number): boolean {
  const allowedMisses = K - Math.ceil(threshold * K - 1e-9);
  let misses = 0;
  for (let bin = 0; bin < K; bin++) if (a[bin] !== b[bin] && ++misses > allowedMisses) return false;
  return true;
}
