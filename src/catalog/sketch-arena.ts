import { MAX_SHARED_LENGTH, sharedAt, type SketchRef } from '../dedupe/sketch-ref.js';

/** Words per chunk: ~120 sketches of a typical article (~0.5 KB each). */
const CHUNK_WORDS = 16 * 1024;
const MAX_KEPT_WORDS = Math.min(CHUNK_WORDS / 4, MAX_SHARED_LENGTH);

/**
 * Near-duplicate sketches copied side by side into shared buffers. A sketch that comes from a
 * parse worker (or a snapshot) has an ArrayBuffer of its own: its JS object, its backing store
 * and the allocator's block cost ~0.3 KB beside ~0.5 KB of data; a view into a shared one still
 * cost a ~90-byte object. A draft keeps the chunk itself and where its sketch is in it
 * (dedupe/sketch-ref.ts). A chunk lives as long as any of its sketches; chunks are small, so a
 * corpus mostly rewritten leaves at most 64 KB per survivor, and only until it changes too.
 */
export class SketchArena {
  private chunk = new Uint32Array(0);
  private used = 0;

  keep(sketch: Uint32Array): SketchRef {
    if (sketch.length > MAX_KEPT_WORDS) return { sketch, sketchAt: undefined };
    if (this.used + sketch.length > this.chunk.length) {
      this.chunk = new Uint32Array(CHUNK_WORDS);
      this.used = 0;
    }
    this.chunk.set(sketch, this.used);
    const sketchAt = sharedAt(this.used, sketch.length);
    this.used += sketch.length;
    return { sketch: this.chunk, sketchAt };
  }
}
