import { MAX_SHARED_LENGTH, sharedAt, sketchOf, type SketchRef } from '../dedupe/sketch-ref.js';
import type { SharedWords } from '../model.js';

/**
 * Words per chunk: 256 KB, ~500 sketches of a typical article (~0.5 KB each). Above glibc's mmap
 * threshold (128 KB, fixed by bin/seedfeed), so each chunk is mapped on its own: a chunk in the
 * allocator's arena would sit between the scan's short-lived blocks (worker messages, read
 * buffers, zlib's state) and keep their free space from being given back. At 64 KB, 15 s after
 * the first scan of 100,000 files the arena held 178 MB for 58 MB in use (docs/performance.md,
 * "Where the memory goes").
 */
const CHUNK_WORDS = 64 * 1024;
/** A spool is rewritten with only its live chunks once its dead ones take this much and more than the live. */
const SPOOL_SLACK_BYTES = 64 << 20;

/** Where filled chunks go, and in what sizes (smaller in tests, so that a few files fill chunks). */
export interface WordSpill {
  /** A new spool: an unlinked temporary file (workers/spool.ts), opened at the edge. */
  readonly open: () => WordSpool;
  readonly chunkWords?: number;
  readonly slackBytes?: number;
}

export interface WordSpool {
  /** Appends all of `bytes`, returns where they start; throws having kept nothing. */
  append(bytes: Uint8Array): number;
  /** The `length` bytes at `at`, valid until the next call. */
  view(at: number, length: number): Uint8Array;
  close(): void;
}

/**
 * One chunk of words. In memory while it is filled and until the arena spills it; then only
 * where it is in the spool, read back a sketch at a time. The drafts hold the chunk object, so
 * that a spill or a compaction of the spool moves words without touching them.
 */
class WordChunk implements SharedWords {
  private place: { spool: WordSpool; at: number } | undefined;

  constructor(
    private data: Uint32Array | undefined,
    private readonly size: number,
  ) {}

  words(offset: number, length: number): Uint32Array {
    if (this.data) return this.data.subarray(offset, offset + length);
    const { spool, at } = this.place!;
    const bytes = spool.view(at + offset * 4, length * 4);
    const copy = new Uint32Array(length);
    new Uint8Array(copy.buffer).set(bytes);
    return copy;
  }

  /** All its words as bytes: a view while in memory, else a copy. */
  bytes(): Uint8Array {
    const all = this.words(0, this.size);
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  }

  /** Its words are at `at` in `spool` now; the memory goes with the last view a caller holds. */
  movedTo(spool: WordSpool, at: number): void {
    this.place = { spool, at };
    this.data = undefined;
  }
}

/**
 * Words copied side by side into shared chunks: the near-duplicate sketches, and in another
 * arena the summaries (catalog/summary-ref.ts). What follows says sketches; summaries are kept,
 * read and spilled the same way, and read by the feeds, the archives and search. A sketch that comes from a
 * parse worker (or a snapshot) has an ArrayBuffer of its own: its JS object, its backing store
 * and the allocator's block cost ~0.3 KB beside ~0.5 KB of data. A draft keeps the chunk and
 * where its sketch is in it (dedupe/sketch-ref.ts).
 *
 * Sketches are read only when near-duplicates are looked for among the drafts a change touches,
 * and when learned boilerplate changes: after each run (`spillFilled`), the chunks filled so far go
 * to a spool file, the page cache's to keep rather than the process's (~50 MB of RSS at 100,000
 * articles). A chunk lives as long as any of its sketches, in memory or in the spool; once the
 * spool's dead chunks outweigh its live ones (and take 64 MB), it is rewritten with only those.
 *
 * Exact copies (a tenth of the bench corpora's files) are kept once: until `forgetCopies`, a
 * sketch given with the content hash of one kept before, and with the same words, is that one.
 * (Equal hashes do not always mean equal sketches: the hash ignores where paragraphs break.) Only
 * for a batch: a map of every hash kept for good would cost about what the copies' sketches do.
 */
export class WordArena {
  private chunk: WordChunk | undefined;
  private data = new Uint32Array(0);
  private used = 0;
  private byHash = new Map<string, SketchRef>();
  /** Filled chunks not yet spilled. */
  private filled: WordChunk[] = [];
  private spool: WordSpool | undefined;
  /** The chunks in the spool, and how many it holds, dead ones included. */
  private spooled: WeakRef<WordChunk>[] = [];
  private spoolChunks = 0;

  private readonly chunkWords: number;
  private readonly maxKeptWords: number;
  private readonly slackBytes: number;

  /** Without `spill`, every chunk stays in memory. */
  constructor(private readonly spill?: WordSpill) {
    this.chunkWords = spill?.chunkWords ?? CHUNK_WORDS;
    this.maxKeptWords = Math.min(this.chunkWords / 4, MAX_SHARED_LENGTH);
    this.slackBytes = spill?.slackBytes ?? SPOOL_SLACK_BYTES;
  }

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

  /**
   * Moves the filled chunks to the spool (the one being filled stays), and rewrites the spool
   * when most of it is dead (and at least `slackBytes` are). Throws if the spool cannot be opened
   * or written: the chunks not moved stay in memory, and the next call tries again.
   */
  spillFilled(): void {
    if (!this.spill || this.filled.length === 0) return;
    const spool = (this.spool ??= this.spill.open());
    while (this.filled.length) {
      const chunk = this.filled[0]!;
      chunk.movedTo(spool, spool.append(chunk.bytes()));
      this.filled.shift();
      this.spooled.push(new WeakRef(chunk));
      this.spoolChunks++;
    }
    this.spooled = this.spooled.filter((ref) => ref.deref() !== undefined);
    const dead = this.spoolChunks - this.spooled.length;
    if (dead > this.spooled.length && dead * this.chunkWords * 4 >= this.slackBytes)
      this.rewriteSpool();
  }

  /** Bytes in the spool, and how many of them chunks that drafts still hold take. */
  spoolBytes(): { total: number; live: number } {
    const live = this.spooled.filter((ref) => ref.deref() !== undefined).length;
    const chunkBytes = this.chunkWords * 4;
    return { total: this.spoolChunks * chunkBytes, live: live * chunkBytes };
  }

  /** Copies the live chunks to a new spool, then moves them there: a failure leaves all in the old one. */
  private rewriteSpool(): void {
    const fresh = this.spill!.open();
    const live = this.spooled.map((ref) => ref.deref()).filter((c) => c !== undefined);
    let places: number[];
    try {
      places = live.map((chunk) => fresh.append(chunk.bytes()));
    } catch (error) {
      fresh.close();
      throw error;
    }
    live.forEach((chunk, i) => chunk.movedTo(fresh, places[i]!));
    this.spool!.close();
    this.spool = fresh;
    this.spooled = live.map((chunk) => new WeakRef(chunk));
    this.spoolChunks = live.length;
  }

  private place(sketch: Uint32Array): SketchRef {
    if (sketch.length > this.maxKeptWords) return { sketch, sketchAt: undefined };
    if (!this.chunk || this.used + sketch.length > this.data.length) {
      if (this.chunk) this.filled.push(this.chunk);
      this.data = new Uint32Array(this.chunkWords);
      this.chunk = new WordChunk(this.data, this.chunkWords);
      this.used = 0;
    }
    this.data.set(sketch, this.used);
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
