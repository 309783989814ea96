/**
 * The incremental LSH index (issue 14): members found by the bands they share, removed by the
 * signature they were added with, and held in 4 bytes per member and band.
 */
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { LshIndex } from '../../src/dedupe/lsh-index.js';
import { BANDS, ROWS, bandHash } from '../../src/dedupe/near-dup.js';
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
  index.forEachCandidate(
    slot,
    sig,
    () => true,
    (other) => found.push(other),
  );
  return found.sort((a, b) => a - b);
};

/** An index whose members' signatures are `sigs[slot]` (set before a look-up). */
function indexOf(sigs: Signature[]): LshIndex {
  return new LshIndex((slot) => sigs[slot]!);
}

describe('the LSH index', () => {
  it('asks whether a member is wanted before checking its band, and leaves out the unwanted', () => {
    const a = randomSignature(1);
    const b = sharing(randomSignature(2), a, 3);
    const c = sharing(randomSignature(3), a, 5);
    const sigs = [a, b, c];
    const checked: number[] = [];
    const index = new LshIndex((slot) => (checked.push(slot), sigs[slot]!));
    sigs.forEach((sig, slot) => index.add(slot, sig));
    const asked: number[] = [];
    const found: number[] = [];
    index.forEachCandidate(
      0,
      a,
      (other) => (asked.push(other), other !== 1),
      (other) => found.push(other),
    );
    expect(found).toEqual([2]);
    expect(asked.sort()).toEqual([1, 2]);
    // b's signature was never fetched for the check: only c's.
    expect(checked).toEqual([2]);
  });

  it('finds the members that share a band, and forgets one removed by its signature', () => {
    const sigs: Signature[] = [];
    const index = indexOf(sigs);
    const a = randomSignature(1);
    const b = sharing(randomSignature(2), a, 3);
    const c = sharing(sharing(randomSignature(3), a, 0), a, 7);
    const d = randomSignature(4);
    sigs.push(a, b, c, d);
    [a, b, c, d].forEach((sig, slot) => index.add(slot, sig));
    // c shares two bands with a: once per band.
    expect(candidates(index, 0, a)).toEqual([1, 2, 2]);
    expect(candidates(index, 1, b)).toEqual([0]);
    expect(candidates(index, 3, d)).toEqual([]);

    // c changes: out with the signature it went in with, in with its new one.
    const c2 = sharing(randomSignature(5), d, 1);
    index.remove(2, c);
    index.add(2, (sigs[2] = c2));
    expect(candidates(index, 0, a)).toEqual([1]);
    expect(candidates(index, 3, d)).toEqual([2]);

    // Added and removed before any look-up: not left behind.
    index.add(4, (sigs[4] = a));
    index.remove(4, a);
    index.remove(1, b);
    expect(candidates(index, 0, a)).toEqual([]);
  });

  it('does not take a member whose band hash agrees in its top 23 bits only', () => {
    // Two signatures whose band 0 hashes agree in the bits the index keeps, and in no others.
    const seen = new Map<number, Signature>();
    let pair: [Signature, Signature] | undefined;
    for (let seed = 100; !pair; seed++) {
      const sig = randomSignature(seed);
      const hash = bandHash(sig, 0);
      const other = seen.get(hash >>> 9);
      if (other && bandHash(other, 0) !== hash) pair = [other, sig];
      seen.set(hash >>> 9, sig);
    }
    const sigs = [...pair, sharing(randomSignature(7), pair[0], 0)];
    const index = indexOf(sigs);
    sigs.forEach((sig, slot) => index.add(slot, sig));
    expect(candidates(index, 0, sigs[0]!)).toEqual([2]);
    expect(candidates(index, 1, sigs[1]!)).toEqual([]);
  });

  it('holds 4 bytes per member and band once built (no slack, no hashes per member)', () => {
    const members = 20_000;
    const sigs = Array.from({ length: members }, (_, i) => randomSignature(i + 10));
    sigs.push(randomSignature(1));
    const index = indexOf(sigs);
    const before = arrayBuffers();
    sigs.forEach((sig, slot) => index.add(slot, sig));
    expect(candidates(index, 0, sigs[0]!)).toEqual([]);
    const held = arrayBuffers() - before;
    // 1.68 MB of entries and 344 KB of bucket tables; float64 keys took 3.36 MB.
    const tables = BANDS * 4097 * 4;
    expect(held).toBeGreaterThanOrEqual(members * BANDS * 4 + tables);
    expect(held).toBeLessThan(members * BANDS * 4 * 1.1 + tables);
    // One member more grows a band by a little, not by half or double.
    index.add(members, sigs[members]!);
    expect(candidates(index, members, sigs[members]!)).toEqual([]);
    expect(arrayBuffers() - before).toBeLessThan(members * BANDS * 4 * 1.1 + tables);
  });
});
