import { MAX_SHARED_LENGTH, sharedAt, sketchOf, type SketchRef } from '../dedupe/sketch-ref.js';

/**
 * Words per chunk: 256 KB, ~500 sketches of a typical article (~0.5 KB each). Above glibc's mmap
 * threshold (128 KB, fixed by bin/seedfeed), so each chunk is mapped on its own: chunks live as
 * long as the catalog, and in the allocator's arena they would sit between the scan's short-lived
 * blocks (worker messages, read buffers, zlib's state) and keep their free space from being
 * given back. At 64 KB, 15 s after the first scan of 100,000 files the arena held 178 MB for
 * 58 MB in use (docs/performance.md, "Where the memory goes").
 */
const CHUNK_WORDS = 64 * 1024;
const MAX_KEPT_WORDS = Math.min(CHUNK_WORDS / 4, MAX_SHARED_LENGTH);

/**
 * Near-duplicate sketches copied side by side into shared buffers. A sketch that comes from a
 * parse worker (or a snapshot) has an ArrayBuffer of its own: its JS object, its backing store
 * and the allocator's block cost ~0.3 KB beside ~0.5 KB of data; a view into a shared one still
 * cost a ~90-byte object. A draft keeps the chunk itself and where its sketch is in it
 * (dedupe/sketch-ref.ts). A chunk lives as long as any of its sketches; chunks are small, so a
 * corpus mostly rewritten leaves at most 256 KB per survivor, and only until it changes too.
 *
 * Exact copies (a tenth of the bench corpora's files) are kept once: until `forgetCopies`, a
 * sketch given with the content hash of one kept before, and with the same words, is that one.
 * (Equal hashes do not always mean equal sketches: the hash ignores where paragraphs break.) Only
 * for a batch: a map of every hash kept for good would cost about what the copies' sketches do.
 */
export class SketchArena {
  private chunk = new Uint32Array(0);
  private used = 0;
  private byHash = new Map<string, SketchRef>();

  keep(sketch: Uint32Array, contentHash?: string): SketchRef {
    const known = contentHash === undefined ? undefined : this.byHash.get(contentHash);
    if (known && sameWords(sketchOf(known)!, sketch)) return known;
    const kept = this.place(sketch);
    if (contentHash !== undefined && !known) this.byHash.set(contentHash, kept);
    return kept;
  }

  /** Lets the batch's map of content hashes go. */
  forgetCopies(): void {
    if (this.byHash.size) this.byHash = new Map();
  }

  private place(sketch: Uint32Array): SketchRef {
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

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
