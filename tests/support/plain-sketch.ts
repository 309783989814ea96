import {
  bBit,
  EMPTY16,
  fmix32,
  fold,
  K,
  key32,
  KEYS_AT,
  LOG2_K,
  MIN_COMPARABLE_TEXT,
  SHORT_PARAGRAPH,
  SIGNATURE_WORDS,
} from '../../src/dedupe/sketch.js';

/**
 * sketchText as first written, plainly: each step its own pass, and every short paragraph's
 * shingles lowered into a signature of its own that is then compared bin by bin. The real one
 * must give the same words for every text.
 */
const EMPTY = 0x7fffffff;
const SHINGLE = 5;
const BASE = 0x01000193;
const BASE_OUT = Math.imul(Math.imul(Math.imul(BASE, BASE), BASE), BASE);

function lower(sig: Uint32Array, codes: Uint16Array, from: number, to: number): void {
  const width = Math.min(SHINGLE, to - from);
  let h = 0;
  for (let i = from; i < from + width; i++) h = (Math.imul(h, BASE) + codes[i]!) | 0;
  for (let i = from + width; ; i++) {
    const x = fmix32(h ^ 0x9747b28c);
    if (x >>> LOG2_K < sig[x & (K - 1)]!) sig[x & (K - 1)] = x >>> LOG2_K;
    if (i >= to) break;
    h = (Math.imul(h - Math.imul(codes[i - SHINGLE]!, BASE_OUT), BASE) + codes[i]!) | 0;
  }
}

export function plainSketch(text: string): Uint32Array {
  const paragraphs = text
    .split('\n')
    .map((line) =>
      Uint16Array.from(
        [...line]
          .flatMap(unitsOf)
          .map(fold)
          .filter((c) => c !== 0),
      ),
    )
    .filter((codes) => codes.length > 0);
  const isShort = (codes: Uint16Array) => codes.length <= SHORT_PARAGRAPH;
  const all = paragraphs.reduce((n, codes) => n + codes.length, 0);
  const long = Uint16Array.from(paragraphs.filter((p) => !isShort(p)).flatMap((p) => [...p]));
  const comparable = all >= MIN_COMPARABLE_TEXT;
  const sig = new Uint32Array(K).fill(EMPTY);
  if (comparable && long.length > 0) lower(sig, long, 0, long.length);
  const shorts: number[] = [];
  const hashes: number[] = [];
  paragraphs.forEach((codes, p) => {
    if (!isShort(codes)) return;
    const before = hashes.length;
    if (comparable) {
      const own = new Uint32Array(K).fill(EMPTY);
      lower(own, codes, 0, codes.length);
      for (let bin = 0; bin < K; bin++) if (own[bin]! < sig[bin]!) hashes.push(own[bin]! * K + bin);
    }
    shorts.push(p * 256 + hashes.length - before);
  });
  const b = (v: number) => (v === EMPTY ? EMPTY16 : bBit(v));
  const signature = Array.from(
    { length: K / 2 },
    (_, i) => b(sig[2 * i]!) + b(sig[2 * i + 1]!) * 0x10000,
  );
  const words = [
    ...signature,
    paragraphs.length,
    shorts.length,
    ...paragraphs.map((c) => key32(c)),
  ];
  const out = Uint32Array.from([...words, ...shorts, ...hashes]);
  if (
    out.length !== KEYS_AT + paragraphs.length + shorts.length + hashes.length ||
    signature.length !== SIGNATURE_WORDS
  )
    throw new Error('plainSketch: layout');
  return out;
}

/** A string's UTF-16 code units, one per element (a pair for a character beyond the BMP). */
function unitsOf(character: string): number[] {
  return Array.from({ length: character.length }, (_, i) => character.charCodeAt(i));
}
