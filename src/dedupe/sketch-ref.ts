import type { SharedWords } from '../model.js';

/**
 * Where a draft's sketch is: `sketch` alone is the sketch; with `sketchAt`, `sketch` is a chunk of
 * words shared with other drafts' sketches (catalog/word-arena.ts) and `sketchAt` says where in
 * it, offset × 2^13 + length, a small integer in the draft itself. A view per sketch would be an
 * object of ~90 bytes on the heap per file; one is made here only while a caller reads it.
 */
const LENGTH_SPAN = 2 ** 13;
/** The longest sketch, and the highest offset, a `sketchAt` can say (in words). */
export const MAX_SHARED_LENGTH = LENGTH_SPAN - 1;
export const MAX_SHARED_OFFSET = 2 ** 17 - 1;

export interface SketchRef {
  readonly sketch?: Uint32Array | SharedWords;
  readonly sketchAt?: number;
}

export function sharedAt(offset: number, length: number): number {
  if (offset > MAX_SHARED_OFFSET || length > MAX_SHARED_LENGTH)
    throw new RangeError(`a shared sketch at ${offset} of ${length} words`);
  return offset * LENGTH_SPAN + length;
}

/** The draft's sketch as its own array (a view into the chunk while that is in memory). */
export function sketchOf(draft: SketchRef): Uint32Array | undefined {
  const { sketch, sketchAt } = draft;
  if (sketch === undefined || sketch instanceof Uint32Array) return sketch;
  if (sketchAt === undefined) throw new TypeError('shared sketch words without their place');
  return sharedWords(sketch, sketchAt);
}

/** The offset and length that `sharedAt` made `at` of. */
export function sharedPlace(at: number): [offset: number, length: number] {
  return [Math.floor(at / LENGTH_SPAN), at % LENGTH_SPAN];
}

/** The words at `at` (as `sharedAt` gave it) in shared words. */
export function sharedWords(words: SharedWords, at: number): Uint32Array {
  return words.words(...sharedPlace(at));
}
