import { BANDS, bandHash } from './near-dup.js';

/**
 * The LSH band index that near-dup.ts builds whole, kept instead and updated one signature at a
 * time: per band, the members whose band hashes are equal, so the candidates of one signature are
 * found without looking at the others. Members are small integers (slots) the caller hands out.
 */
export class LshIndex {
  /** Per band: band hash → first member; members with an equal hash are chained through `next`. */
  private readonly heads = Array.from({ length: BANDS }, () => new Map<number, number>());
  /** Per member, its band hashes as indexed (the signature itself may change later). */
  private bands = new Uint32Array(0);
  private next = new Int32Array(0);

  add(slot: number, sig: Uint32Array): void {
    this.reserve(slot);
    for (let band = 0; band < BANDS; band++) {
      const hash = bandHash(sig, band) | 0;
      const at = slot * BANDS + band;
      this.bands[at] = hash;
      const head = this.heads[band]!.get(hash);
      this.next[at] = head ?? -1;
      this.heads[band]!.set(hash, slot);
    }
  }

  remove(slot: number): void {
    for (let band = 0; band < BANDS; band++) {
      const at = slot * BANDS + band;
      const hash = this.bands[at]! | 0;
      const heads = this.heads[band]!;
      let member = heads.get(hash) ?? -1;
      if (member === slot) {
        if (this.next[at] === -1) heads.delete(hash);
        else heads.set(hash, this.next[at]!);
        continue;
      }
      while (member !== -1) {
        const link = member * BANDS + band;
        if (this.next[link] === slot) {
          this.next[link] = this.next[at]!;
          break;
        }
        member = this.next[link]!;
      }
    }
  }

  /** Every other member that shares a band with `slot` (a member sharing several, once per band). */
  forEachCandidate(slot: number, visit: (other: number) => void): void {
    for (let band = 0; band < BANDS; band++) {
      const hash = this.bands[slot * BANDS + band]! | 0;
      for (let m = this.heads[band]!.get(hash) ?? -1; m !== -1; m = this.next[m * BANDS + band]!)
        if (m !== slot) visit(m);
    }
  }

  private reserve(slot: number): void {
    if ((slot + 1) * BANDS <= this.bands.length) return;
    const size = Math.max(64, slot + 1, (this.bands.length / BANDS) * 2) * BANDS;
    const bands = new Uint32Array(size);
    bands.set(this.bands);
    const next = new Int32Array(size);
    next.set(this.next);
    this.bands = bands;
    this.next = next;
  }
}
