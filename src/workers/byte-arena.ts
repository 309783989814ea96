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
 * Per worker: one chunk, the one being filled; each that fills goes to the spool. With 64 MB
 * (two chunks) a cold scan of 50,000 files peaked at 732 and 743 MB, with 32 at 686 and 631
 * (serve's VmHWM, two pairs, 2026-12-03, docs/performance.md).
 */
export const ARENA_MEMORY_BYTES = 32 << 20;
const CHUNK_BYTES = 32 << 20;

type Chunk = { readonly bytes: Buffer } | { readonly at: number };

export class ByteArena {
  private chunks: Chunk[] = [];
  /** The chunk being filled (always the last, always in memory), and how much of it is. */
  private open: Buffer | undefined;
  private used = 0;
  private inMemory = 0;
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

  clear(): void {
    this.chunks = [];
    this.open = undefined;
    this.used = 0;
    this.inMemory = 0;
    this.spool?.close();
    this.spool = undefined;
    this.spillable = true;
  }

  private startChunk(length: number): void {
    const size = Math.max(this.chunkBytes, length);
    const freed = this.open && this.inMemory + size > this.memoryBytes ? this.spill() : undefined;
    this.open = freed && freed.length >= size ? freed : Buffer.allocUnsafeSlow(size);
    this.inMemory += this.open.length;
    this.chunks.push({ bytes: this.open });
    this.used = 0;
  }

  /** Moves the open (full) chunk to the spool; returns its memory, now free, or nothing if it stays. */
  private spill(): Buffer | undefined {
    if (!this.spillable) return undefined;
    const full = this.open!;
    try {
      this.spool ??= this.openSpool();
      const at = this.spool.append(full.subarray(0, this.used));
      this.chunks[this.chunks.length - 1] = { at };
    } catch (error) {
      this.spillable = false;
      this.spillFailed(error as Error);
      return undefined;
    }
    this.inMemory -= full.length;
    return full;
  }
}
