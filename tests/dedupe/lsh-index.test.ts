/**
 * The incremental LSH index (issue 14): members found by the bands they share, removed by the
 * signature they were added with, and held in 8 bytes per member and band.
 */
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { LshIndex } from '../../src/dedupe/lsh-index.js';
import { BANDS, ROWS } from '../../src/dedupe/near-dup.js';
import type { Signature } from '../../src/dedupe/signature.js';
import { K } from '../../src/dedupe/sketch.js';

function randomSignature(seed: number): Signature {
  const sig = new Uint16Array(K);
  let x = seed * 2654435761 + 1;
  for (let bin = 0; bin < K; bin++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    sig[bin] = x >>> 16;
  }
  return sig;
}

/** `sig` with band `band` copied from `from`. */
function sharing(sig: Signature, from: Signature, band: number): Signature {
  const out = sig.slice();
  out.set(from.subarray(band * ROWS, (band + 1) * ROWS), band * ROWS);
  return out;
}

/** `gc()`, exposed at run time (vitest workers are not started with --expose-gc), made once. */
const gc = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** ArrayBuffers held (after full collections: one may leave freed buffers counted). */
function arrayBuffers(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

const candidates = (index: LshIndex, slot: number, sig: Signature) => {
  const found: number[] = [];
  index.forEachCandidate(slot, sig, (other) => found.push(other));
  return found.sort((a, b) => a - b);
};

describe('the LSH index', () => {
  it('finds the members that share a band, and forgets one removed by its signature', () => {
    const index = new LshIndex();
    const a = randomSignature(1);
    const b = sharing(randomSignature(2), a, 3);
    const c = sharing(sharing(randomSignature(3), a, 0), a, 7);
    const d = randomSignature(4);
    [a, b, c, d].forEach((sig, slot) => index.add(slot, sig));
    // c shares two bands with a: once per band.
    expect(candidates(index, 0, a)).toEqual([1, 2, 2]);
    expect(candidates(index, 1, b)).toEqual([0]);
    expect(candidates(index, 3, d)).toEqual([]);

    // c changes: out with the signature it went in with, in with its new one.
    const c2 = sharing(randomSignature(5), d, 1);
    index.remove(2, c);
    index.add(2, c2);
    expect(candidates(index, 0, a)).toEqual([1]);
    expect(candidates(index, 3, d)).toEqual([2]);

    // Added and removed before any look-up: not left behind.
    index.add(4, a);
    index.remove(4, a);
    index.remove(1, b);
    expect(candidates(index, 0, a)).toEqual([]);
  });

  it('holds 8 bytes per member and band once built (no slack, no hashes per member)', () => {
    const members = 20_000;
    const sigs = Array.from({ length: members }, (_, i) => randomSignature(i + 10));
    const index = new LshIndex();
    const before = arrayBuffers();
    sigs.forEach((sig, slot) => index.add(slot, sig));
    expect(candidates(index, 0, sigs[0]!)).toEqual([]);
    const held = arrayBuffers() - before;
    // 3.36 MB of keys; before: keys with 25% slack and every member's band hashes, ~7 MB.
    expect(held).toBeGreaterThanOrEqual(members * BANDS * 8);
    expect(held).toBeLessThan(members * BANDS * 8 * 1.15);
    // One member more grows a band by a little, not by half or double.
    index.add(members, randomSignature(1));
    expect(candidates(index, members, randomSignature(1))).toEqual([]);
    expect(arrayBuffers() - before).toBeLessThan(members * BANDS * 8 * 1.15);
  });
});
