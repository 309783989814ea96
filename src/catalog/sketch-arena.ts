/** Words per chunk: ~120 sketches of a typical article (~0.5 KB each). */
const CHUNK_WORDS = 16 * 1024;

/**
 * Near-duplicate sketches copied side by side into shared buffers, each kept as a view. A sketch
 * that comes from a parse worker (or a snapshot) has an ArrayBuffer of its own: its JS object, its
 * backing store and the allocator's block cost ~0.3 KB beside ~0.5 KB of data. A chunk lives as
 * long as any of its sketches; chunks are small, so a corpus mostly rewritten leaves at most
 * 64 KB per survivor, and only until it changes too.
 */
export class SketchArena {
  private chunk = new Uint32Array(0);
  private used = 0;

  keep(sketch: Uint32Array): Uint32Array {
    if (sketch.length > CHUNK_WORDS / 4) return sketch;
    if (this.used + sketch.length > this.chunk.length) {
      this.chunk = new Uint32Array(CHUNK_WORDS);
      this.used = 0;
    }
    const view = this.chunk.subarray(this.used, this.used + sketch.length);
    view.set(sketch);
    this.used += sketch.length;
    return view;
  }
}
