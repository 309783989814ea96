import type { WordSpool } from '../../src/catalog/word-arena.js';

/** A spool in memory that counts what it is asked. */
export class MemorySpool implements WordSpool {
  bytes = new Uint8Array(0);
  appends = 0;
  reads = 0;
  closed = false;
  failNext = false;

  append(bytes: Uint8Array): number {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('ENOSPC: no space left on device');
    }
    const at = this.bytes.length;
    const grown = new Uint8Array(at + bytes.length);
    grown.set(this.bytes);
    grown.set(bytes, at);
    this.bytes = grown;
    this.appends++;
    return at;
  }

  view(at: number, length: number): Uint8Array {
    if (this.closed) throw new Error('spool closed');
    this.reads++;
    return this.bytes.subarray(at, at + length);
  }

  close(): void {
    this.closed = true;
  }
}
