import { decodeUtf8 } from '../utf8.js';
import { Spool } from './spool.js';

/**
 * Strings kept as UTF-8 in a few large chunks. Two reasons, both measured on 100,000 articles:
 * bytes off the JS heap keep garbage collection from walking tens of thousands of bodies, and
 * chunks this large are mapped by the allocator on their own, so dropping the arena hands the
 * memory back to the OS (a Buffer per body left ~800 MB in a worker's malloc arena for good).
 *
 * Past a budget, each chunk that fills is written to a spool file (spool.ts) and its memory is
 * used for the next one: a cold scan of 100,000 files held ~830 MB of bodies in its two workers
 * until the article pages were written; now the page cache holds them, not the process. A small
 * arena (a rescan's few bodies) never touches the disk. If the spool cannot be made or written,
 * the chunks stay in memory as before and `spillFailed` is told, once until `clear()`.
 */
export interface ArenaRef {
  readonly chunk: number;
  readonly start: number;
  readonly length: number;
}

export interface ArenaOptions {
  /** Bytes of chunks held in memory before filled ones go to the spool (at least one chunk stays). */
  readonly memoryBytes?: number;
  readonly chunkBytes?: number;
  /** Opens the spool file, the first time a chunk goes there after a `clear()`. */
  readonly openSpool?: () => Spool;
  readonly spillFailed?: (error: Error) => void;
}

/**
 * Per worker. With 64 MB a cold scan of 50,000 files peaked at 732 and 743 MB, with 32 at 686 and
 * 631 (serve's VmHWM, two pairs, 2026-12-03, docs/performance.md).
 */
export const ARENA_MEMORY_BYTES = 32 << 20;
/**
 * A quarter of the budget: two chunks stay, one is filled while the last one filled is written.
 * One chunk of 32 MB, written while the worker waited, took ~0.3 s once this disk had fallen
 * behind: 6.2 s of the two workers' parse at 100,000 files.
 */
const CHUNK_BYTES = 8 << 20;

type Chunk = { readonly bytes: Buffer } | { readonly at: number };

export class ByteArena {
  private chunks: Chunk[] = [];
  /** The chunk being filled (always the last, always in memory), and how much of it is. */
  private open: Buffer | undefined;
  private used = 0;
  /** Bytes of the buffers the arena holds: its chunks in memory, the one being written, the spare. */
  private inMemory = 0;
  /** A chunk's buffer once its bytes are in the spool, for the next chunk. */
  private spare: Buffer | undefined;
  /** The write to the spool running now, if any (its chunk stays readable in memory until it ends). */
  private writing: Promise<void> | undefined;
  /** Counts clear()s: a write that ends after one belongs to chunks that are gone. */
  private generation = 0;
  private closing: Promise<void> | undefined;
  private spool: Spool | undefined;
  private spillable = true;
  private readonly memoryBytes: number;
  private readonly chunkBytes: number;
  private readonly openSpool: () => Spool;
  private readonly spillFailed: (error: Error) => void;

  constructor(options: ArenaOptions = {}) {
    this.memoryBytes = options.memoryBytes ?? ARENA_MEMORY_BYTES;
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.openSpool = options.openSpool ?? (() => Spool.open());
    this.spillFailed = options.spillFailed ?? (() => undefined);
  }

  put(text: string): ArenaRef {
    const length = Buffer.byteLength(text, 'utf8');
    if (!this.open || this.used + length > this.open.length) this.startChunk(length);
    const ref = { chunk: this.chunks.length - 1, start: this.used, length };
    this.open!.write(text, this.used, 'utf8');
    this.used += length;
    return ref;
  }

  get(ref: ArenaRef): string {
    return decodeUtf8(this.bytes(ref));
  }

  /**
   * The UTF-8 bytes themselves: a view into the chunk, or of a chunk in the spool the bytes read
   * back, valid until the next call of the arena's.
   */
  bytes(ref: ArenaRef): Buffer {
    const chunk = this.chunks[ref.chunk]!;
    if ('bytes' in chunk) return chunk.bytes.subarray(ref.start, ref.start + ref.length);
    return this.spool!.view(chunk.at + ref.start, ref.length);
  }

  /** Chunks in the spool file (for tests and the log). */
  get spilled(): number {
    return this.chunks.filter((chunk) => 'at' in chunk).length;
  }

  /** Settles when no write to the spool is running and a spool let go by clear() is closed (for tests). */
  async written(): Promise<void> {
    while (this.writing) await this.writing;
    await this.closing;
  }

  clear(): void {
    this.chunks = [];
    this.open = undefined;
    this.used = 0;
    this.inMemory = 0;
    this.spare = undefined;
    this.writing = undefined;
    this.generation++;
    this.closing = this.spool?.close();
    this.spool = undefined;
    this.spillable = true;
  }

  private startChunk(length: number): void {
    const size = Math.max(this.chunkBytes, length);
    // The full chunk goes to the spool when keeping it would leave no room for the next one and
    // for a chunk being written.
    if (this.open && this.inMemory + 2 * size > this.memoryBytes) {
      const freed = this.spill();
      if (freed) this.keepSpare(freed);
    }
    let buffer = this.takeSpare(size);
    if (!buffer) {
      buffer = Buffer.allocUnsafeSlow(size);
      this.inMemory += size;
    }
    this.open = buffer;
    this.chunks.push({ bytes: buffer });
    this.used = 0;
  }

  /** One spare at most: a second is let go. */
  private keepSpare(buffer: Buffer): void {
    if (this.spare) this.inMemory -= this.spare.length;
    this.spare = buffer;
  }

  private takeSpare(size: number): Buffer | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (!spare || spare.length >= size) return spare;
    this.inMemory -= spare.length;
    return undefined;
  }

  /**
   * Moves the open (full) chunk to the spool. Written in the background, its buffer becomes the
   * spare once the bytes are there; if a write is still running, this one waits for the disk and
   * the buffer is returned at once. Nothing is returned when the chunk stays in memory.
   */
  private spill(): Buffer | undefined {
    if (!this.spillable) return undefined;
    const full = this.open!;
    const index = this.chunks.length - 1;
    try {
      this.spool ??= this.openSpool();
      if (this.writing) {
        this.chunks[index] = { at: this.spool.append(full.subarray(0, this.used)) };
        return full;
      }
      this.writeInBackground(this.spool, full, index);
      return undefined;
    } catch (error) {
      this.spillable = false;
      this.spillFailed(error as Error);
      return undefined;
    }
  }

  private writeInBackground(spool: Spool, full: Buffer, index: number): void {
    const generation = this.generation;
    const { at, written } = spool.appendLater(full.subarray(0, this.used));
    this.writing = written.then(
      () => {
        if (generation !== this.generation) return;
        this.writing = undefined;
        this.chunks[index] = { at };
        this.keepSpare(full);
      },
      (error: Error) => {
        if (generation !== this.generation) return;
        this.writing = undefined;
        // The chunk stays in memory, and so do the ones after it.
        this.spillable = false;
        this.spillFailed(error);
      },
    );
  }
}
