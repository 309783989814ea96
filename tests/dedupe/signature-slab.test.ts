/**
 * The near-duplicate index keeps an update's signatures side by side in blocks (one ArrayBuffer per
 * 1,024 of them), not one ArrayBuffer each; and a signature can be computed into a given array.
 */
import { describe, expect, it } from 'vitest';
import { SignatureSlab } from '../../src/dedupe/signature-slab.js';
import { finalSignature } from '../../src/dedupe/signature.js';
import { K, sketchText } from '../../src/dedupe/sketch.js';

const text = (n: number) =>
  Array.from(
    { length: 4 },
    (_, p) =>
      `Paragraph ${p} of text ${n}: ${'words that differ by number '.repeat(6)}${n * 7 + p}.`,
  ).join('\n');

const signatureOf = (n: number) => finalSignature(sketchText(text(n)))!;

describe('SignatureSlab', () => {
  it('keeps copies: equal to what was given, unchanged when the given array changes', () => {
    const slab = new SignatureSlab();
    const sig = signatureOf(1);
    const kept = slab.keep(sig);
    expect(kept).toEqual(sig);
    sig.fill(0);
    expect(kept).toEqual(signatureOf(1));
    expect(kept.length).toBe(K);
  });

  it('puts 1,024 signatures in one buffer, then starts another; none overwrites another', () => {
    const slab = new SignatureSlab();
    const kept = Array.from({ length: 1500 }, (_, n) => slab.keep(signatureOf(n % 50)));
    expect(new Set(kept.slice(0, 1024).map((s) => s.buffer)).size).toBe(1);
    expect(kept[1024]!.buffer).not.toBe(kept[0]!.buffer);
    expect(kept[0]!.buffer.byteLength).toBe(1024 * K * 2);
    kept.forEach((sig, n) => expect(sig).toEqual(signatureOf(n % 50)));
  });

  it('after clear, what it gave out stays as it was, and new copies go to a new buffer', () => {
    const slab = new SignatureSlab();
    const before = slab.keep(signatureOf(3));
    slab.clear();
    const after = slab.keep(signatureOf(4));
    expect(after.buffer).not.toBe(before.buffer);
    expect(before).toEqual(signatureOf(3));
    expect(after).toEqual(signatureOf(4));
  });
});

describe('finalSignature into a given array', () => {
  it('writes the same signature there and returns that array; undefined leaves no signature', () => {
    const into = new Uint16Array(K);
    const sketch = sketchText(text(9));
    const written = finalSignature(sketch, undefined, into);
    expect(written).toBe(into);
    expect(written).toEqual(finalSignature(sketch));
    // An empty text has nothing to compare.
    expect(finalSignature(sketchText(''), undefined, new Uint16Array(K))).toBeUndefined();
  });

  it('two signatures computed one after another do not share their bins', () => {
    const a = finalSignature(sketchText(text(1)))!;
    const b = finalSignature(sketchText(text(2)))!;
    expect(a.buffer).not.toBe(b.buffer);
    expect(a).toEqual(signatureOf(1));
  });
});
