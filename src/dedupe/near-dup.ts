import { similarAtLeast, type Signature } from './signature.js';
import { K } from './sketch.js';

/**
 * Near-duplicate clusters by MinHash LSH banding: the signature is cut into bands of ROWS bins;
 * two articles become a candidate pair only if some band is identical in both (found by sorting
 * band hashes, never by comparing all pairs), and a candidate pair is merged only if its
 * estimated similarity reaches the threshold. Clusters are the connected components (union-find),
 * which do not depend on the order of the input.
 */

/**
 * Bins per band. With 128 bins: 21 bands of 6 (the last 2 bins unused): a pair at similarity 0.7
 * becomes a candidate with probability 0.93, at 0.8 with 0.998, while the background similarity
 * of articles on one theme (0.1–0.4 in the bench corpus) rarely collides — 5 rows gave 4.7× as
 * many candidate pairs for the same precision and recall on the labelled set.
 */
export const ROWS = 6;
export const BANDS = Math.floor(K / ROWS);

/** The probability that a pair with Jaccard similarity `j` becomes a candidate. */
export const candidateProbability = (j: number) => 1 - (1 - j ** ROWS) ** BANDS;

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n).map((_, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[i] !== root) {
      const next = this.parent[i]!;
      this.parent[i] = root;
      i = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller index is the root: the same components whatever the order of unions.
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

/** The hash of one band of a signature; two signatures are candidates if one band's hashes are equal. */
export function bandHash(sig: Signature, band: number): number {
  let h = 0x811c9dc5 ^ band;
  for (let i = band * ROWS; i < (band + 1) * ROWS; i++) h = Math.imul(h ^ sig[i]!, 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

export interface NearDupStats {
  /** Pairs that shared a band and were compared. */
  readonly candidates: number;
  /** Of those, pairs at or above the threshold that joined two clusters. */
  readonly merged: number;
}

/**
 * Cluster roots for `signatures` (undefined: not compared): root[i] is the smallest index in
 * i's cluster. Pure and deterministic.
 */
export function clusterNearDuplicates(
  signatures: ReadonlyArray<Signature | undefined>,
  threshold: number,
): { root: Int32Array; stats: NearDupStats } {
  const n = signatures.length;
  const sets = new UnionFind(n);
  let candidates = 0;
  let merged = 0;
  if (threshold > 0 && n > 1) {
    // (band hash, index) packed in one float64 (32 + 21 bits), sorted: equal hashes are adjacent.
    const INDEX_BITS = 2 ** 21;
    if (n >= INDEX_BITS)
      throw new Error(`near-duplicate detection handles at most ${INDEX_BITS - 1} articles`);
    const keys = new Float64Array(n);
    for (let band = 0; band < BANDS; band++) {
      let m = 0;
      for (let i = 0; i < n; i++) {
        const sig = signatures[i];
        if (sig) keys[m++] = bandHash(sig, band) * INDEX_BITS + i;
      }
      const sorted = keys.subarray(0, m).sort();
      for (let start = 0; start < m;) {
        const hash = Math.floor(sorted[start]! / INDEX_BITS);
        let end = start + 1;
        while (end < m && Math.floor(sorted[end]! / INDEX_BITS) === hash) end++;
        for (let x = start; x < end; x++) {
          const i = sorted[x]! % INDEX_BITS;
          for (let y = x + 1; y < end; y++) {
            const j = sorted[y]! % INDEX_BITS;
            if (sets.find(i) === sets.find(j)) continue;
            candidates++;
            if (similarAtLeast(signatures[i]!, signatures[j]!, threshold)) {
              sets.union(i, j);
              merged++;
            }
          }
        }
        start = end;
      }
    }
  }
  const root = new Int32Array(n);
  for (let i = 0; i < n; i++) root[i] = sets.find(i);
  return { root, stats: { candidates, merged } };
}
