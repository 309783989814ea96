import { K } from './sketch.js';
import type { Signature } from './signature.js';

/** Signatures per block: 256 KB, above glibc's mmap threshold (fixed by bin/seedfeed), so each block is mapped on its own and unmapped once dropped. */
const BLOCK_SIGNATURES = 1024;

/**
 * The signatures of one near-duplicate update, copied side by side into blocks. As a Uint16Array
 * each, the first scan of 100,000 files made ~95,000 blocks of 256 bytes (and ~130 bytes of
 * bookkeeping each) in the main thread's malloc arena: ~36 MB, which the arena kept after they
 * were freed (heaptrack, and gdb's malloc_stats: 60 MB held for 15 MB in use).
 */
export class SignatureSlab {
  private block = new Uint16Array(0);
  private used = 0;

  /** A copy of `sig` in the slab: a view into a block, which lives as long as any of its views. */
  keep(sig: Signature): Signature {
    if (this.used === this.block.length) {
      this.block = new Uint16Array(BLOCK_SIGNATURES * K);
      this.used = 0;
    }
    const kept = this.block.subarray(this.used, this.used + K);
    kept.set(sig);
    this.used += K;
    return kept;
  }

  /** Later copies go to a new block: the current one goes with the last view of it. */
  clear(): void {
    this.block = new Uint16Array(0);
    this.used = 0;
  }
}
