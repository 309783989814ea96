import { EMPTY16, K, KEYS_AT, LOG2_K, SIGNATURE_WORDS, bBit, fmix32 } from './sketch.js';

/**
 * The similarity signature of a sketch (sketch.ts): K b-bit MinHash values (16 bits). Two bins
 * of unrelated texts are equal by chance once in 65,536 (Li & König, "b-Bit Minwise Hashing"),
 * which moves an estimate of 128 bins by less than one bin in 500 pairs.
 */
export type Signature = Uint16Array;

/** The lowest whole value per bin of the kept short paragraphs' hashes (scratch, reused). */
const lowest = new Uint32Array(K);
/** The bins before densifying (scratch, reused). */
const bins = new Uint16Array(K);
const NONE = 0xffffffff;

/**
 * The similarity signature: long text plus every short paragraph not in `ignored`, with empty
 * bins filled from the next non-empty one (densification), so short texts compare fairly.
 * Undefined when nothing is left to compare (an article of boilerplate only).
 */
export function finalSignature(
  sketch: Uint32Array,
  ignored?: ReadonlySet<number>,
  /** Where to write it (a new array without it). */
  into?: Signature,
): Signature | undefined {
  const sig = bins;
  for (let w = 0; w < SIGNATURE_WORDS; w++) {
    sig[2 * w] = sketch[w]! & 0xffff;
    sig[2 * w + 1] = sketch[w]! >>> 16;
  }
  const shortsAt = KEYS_AT + sketch[SIGNATURE_WORDS]!;
  const shorts = sketch[SIGNATURE_WORDS + 1]!;
  lowest.fill(NONE);
  for (let s = 0, at = shortsAt + shorts; s < shorts; s++) {
    const record = sketch[shortsAt + s]!;
    const n = record & 255;
    if (!ignored?.has(sketch[KEYS_AT + Math.floor(record / 256)]!)) {
      for (let e = at; e < at + n; e++) {
        const bin = sketch[e]! & (K - 1);
        if (sketch[e]! < lowest[bin]!) lowest[bin] = sketch[e]!;
      }
    }
    at += n;
  }
  // Every kept hash beat the long text's minimum in its bin: the lowest one is the bin's value.
  for (let bin = 0; bin < K; bin++)
    if (lowest[bin] !== NONE) sig[bin] = bBit(lowest[bin]! >>> LOG2_K);
  return densify(sig, into);
}

function densify(sig: Signature, into?: Signature): Signature | undefined {
  let filled = -1;
  for (let bin = 0; bin < K; bin++) if (sig[bin] !== EMPTY16) filled = bin;
  if (filled === -1) return undefined;
  const out = into ?? new Uint16Array(K);
  out.set(sig);
  for (let bin = 0; bin < K; bin++) {
    if (sig[bin] !== EMPTY16) continue;
    let distance = 1;
    while (sig[(bin + distance) % K] === EMPTY16) distance++;
    // The borrowed value is marked by the distance, so two texts agree here only if they agree there.
    out[bin] = bBit(
      fmix32((sig[(bin + distance) % K]! + Math.imul(distance, 0x9e3779b1)) >>> 0) >>> LOG2_K,
    );
  }
  return out;
}

/** Estimated Jaccard similarity of the two texts' shingle sets: the share of equal bins. */
export function similarity(a: Signature, b: Signature): number {
  let equal = 0;
  for (let bin = 0; bin < K; bin++) if (a[bin] === b[bin]) equal++;
  return equal / K;
}

/** Whether similarity(a, b) ≥ threshold, stopping as soon as too many bins differ. */
export function similarAtLeast(a: Signature, b: Signature, threshold: number): boolean {
  const allowedMisses = K - Math.ceil(threshold * K - 1e-9);
  let misses = 0;
  for (let bin = 0; bin < K; bin++) if (a[bin] !== b[bin] && ++misses > allowedMisses) return false;
  return true;
}
