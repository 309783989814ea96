/**
 * Strings kept as UTF-8 in a few large chunks. Two reasons, both measured on 100,000 articles:
 * bytes off the JS heap keep garbage collection from walking tens of thousands of bodies, and
 * chunks this large are mapped by the allocator on their own, so dropping the arena hands the
 * memory back to the OS (a Buffer per body left ~800 MB in a worker's malloc arena for good).
 */
export interface ArenaRef {
  readonly chunk: number;
  readonly start: number;
  readonly length: number;
}

const CHUNK_BYTES = 32 << 20;

export class ByteArena {
  private chunks: Buffer[] = [];
  private used = 0;

  put(text: string): ArenaRef {
    const length = Buffer.byteLength(text, 'utf8');
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || this.used + length > chunk.length) {
      chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, length));
      this.chunks.push(chunk);
      this.used = 0;
    }
    const ref = { chunk: this.chunks.length - 1, start: this.used, length };
    chunk.write(text, this.used, 'utf8');
    this.used += length;
    return ref;
  }

  get(ref: ArenaRef): string {
    return this.chunks[ref.chunk]!.toString('utf8', ref.start, ref.start + ref.length);
  }

  /** The UTF-8 bytes themselves: a view into the chunk, valid until `clear()`. */
  bytes(ref: ArenaRef): Uint8Array {
    return this.chunks[ref.chunk]!.subarray(ref.start, ref.start + ref.length);
  }

  clear(): void {
    this.chunks = [];
    this.used = 0;
  }
}
