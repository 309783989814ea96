import type { Article, Draft, LearnedLine } from '../model.js';
import { BoilerplateCounts } from './boilerplate-counts.js';
import { publisherOf } from './learned-boilerplate.js';
import { LshIndex } from './lsh-index.js';
import { finalSignature, similarAtLeast, type Signature } from './signature.js';
import { K, shortParagraphKeys } from './sketch.js';
import { SignatureSlab } from './signature-slab.js';
import { SlotUnionFind } from './slot-union-find.js';
import { sketchOf } from './sketch-ref.js';
import { Slices } from '../slices.js';

/** Content hashes that are one article; sorted. */
export interface Cluster {
  readonly hashes: readonly string[];
  /**
   * The catalog's Article of it, set by the catalog (catalog/catalog-index.ts): kept here rather
   * than in a Map by cluster, one entry per article (~1.8 MB at 45,000).
   */
  article: Article | undefined;
}

const sameSignature = (a: Signature | undefined, b: Signature | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.every((v, i) => v === b[i]));

/**
 * planNearDuplicates kept up to date instead of redone: each content hash (its group's primary)
 * is a node of the LSH index, and a batch of changed primaries re-clusters only the clusters they
 * were in and the ones they now join. The clusters are the same connected components
 * clusterNearDuplicates finds (pairs sharing a band and similar enough), whatever the order of
 * changes. When learned boilerplate changes, the publisher's articles whose signature it changes
 * are treated as changed too.
 *
 * A node is a slot (a small integer, the LSH index's member) and its fields are arrays by slot:
 * an object per node was 56 bytes of heap per article, the arrays' elements are 17.
 */
export class NearDupIndex {
  private readonly slots = new Map<string, number>();
  private readonly hashOfSlot: (string | undefined)[] = [];
  private readonly primaryOfSlot: (Draft | undefined)[] = [];
  private readonly clusterOfSlot: (Cluster | undefined)[] = [];
  /** 1 where the slot's signature is in the LSH index (a primary with nothing to compare is not). */
  private indexed = new Uint8Array(64);
  /** recluster's sets of slots, kept between calls. */
  private readonly sets = new SlotUnionFind();
  private readonly freeSlots: number[] = [];
  private readonly lsh = new LshIndex((slot) => this.signatureAt(slot)!);
  private readonly counts = new BoilerplateCounts();
  /** Signatures computed since the last update (current learned boilerplate), by slot; null: none. */
  private signatures: (Signature | null | undefined)[] = [];
  private readonly signed: number[] = [];
  /** Where those signatures are; one is computed in `unkept` first, and kept if there is one. */
  private readonly slab = new SignatureSlab();
  private readonly unkept = new Uint16Array(K);

  constructor(private readonly threshold: number) {}

  clusterOf(hash: string): Cluster | undefined {
    const slot = this.slots.get(hash);
    return slot === undefined ? undefined : this.clusterOfSlot[slot];
  }

  get boilerplate(): readonly LearnedLine[] {
    return this.counts.lines;
  }

  /** Lets the signatures computed for the last update go (half a kilobyte per article). */
  forgetSignatures(): void {
    for (const slot of this.signed) this.signatures[slot] = undefined;
    this.signed.length = 0;
    this.slab.clear();
  }

  /** The similarity signature of a hash's primary, without its publisher's learned boilerplate. */
  signatureOf(hash: string): Signature | undefined {
    const slot = this.slots.get(hash);
    return slot === undefined ? undefined : this.signatureAt(slot);
  }

  private signatureAt(slot: number): Signature | undefined {
    const known = this.signatures[slot];
    if (known !== undefined) return known ?? undefined;
    const primary = this.primaryOfSlot[slot];
    const sketch = this.threshold > 0 && primary ? sketchOf(primary) : undefined;
    const learned = sketch && this.counts.learnedOf(publisherOf(primary!));
    const computed = sketch && finalSignature(sketch, learned, this.unkept);
    const sig = computed && this.slab.keep(computed);
    this.signatures[slot] = sig ?? null;
    this.signed.push(slot);
    return sig;
  }

  /**
   * New primaries by content hash (undefined: the hash is gone). Returns the clusters that no
   * longer exist and the ones that replace them.
   */
  async update(
    primaries: ReadonlyMap<string, Draft | undefined>,
    slices = new Slices(),
  ): Promise<{
    removed: Set<Cluster>;
    added: Cluster[];
  }> {
    this.forgetSignatures();
    const near = this.threshold > 0;
    const dirty = new Map<string, Draft | undefined>();
    const affected = new Set<Cluster>();
    for (const [hash, primary] of primaries) {
      if (slices.due()) await slices.pause();
      const slot = this.slots.get(hash);
      const old = slot === undefined ? undefined : this.primaryOfSlot[slot]!;
      if (old === primary) continue;
      dirty.set(hash, primary);
      if (old) {
        affected.add(this.clusterOfSlot[slot!]!);
        // Out of the LSH index under the learned boilerplate it went in with (settled below).
        if (this.indexed[slot!]) this.unindex(slot!, this.counts.learnedOf(publisherOf(old)));
        if (near) this.counts.remove(hash, old);
      }
      if (primary && near) this.counts.add(hash, primary);
    }
    if (near) this.relearned(dirty, affected);

    for (const [hash, primary] of dirty) {
      if (slices.due()) await slices.pause();
      let slot = this.slots.get(hash);
      if (!primary) {
        if (slot !== undefined) this.release(hash, slot);
        continue;
      }
      if (slot === undefined) slot = this.slot(hash);
      this.primaryOfSlot[slot] = primary;
      const sig = this.signatureOf(hash);
      this.indexed[slot] = sig === undefined ? 0 : 1;
      if (sig) this.lsh.add(slot, sig);
    }
    return this.recluster(dirty, affected, slices);
  }

  /** Publishers whose learned lines changed: their articles whose signature changed are dirty. */
  private relearned(dirty: Map<string, Draft | undefined>, affected: Set<Cluster>): void {
    for (const [publisher, before] of this.counts.settle()) {
      const after = this.counts.learnedOf(publisher) ?? new Set<number>();
      const flipped = new Set([...before, ...after].filter((k) => before.has(k) !== after.has(k)));
      for (const [hash, draft] of this.counts.membersOf(publisher)) {
        if (dirty.has(hash)) continue;
        const sketch = sketchOf(draft)!;
        if (!shortParagraphKeys(sketch).some((key) => flipped.has(key))) continue;
        if (sameSignature(finalSignature(sketch, before), finalSignature(sketch, after))) continue;
        dirty.set(hash, draft);
        const slot = this.slots.get(hash)!;
        affected.add(this.clusterOfSlot[slot]!);
        if (this.indexed[slot]) this.unindex(slot, before);
      }
    }
  }

  private async recluster(
    dirty: ReadonlyMap<string, Draft | undefined>,
    affected: Set<Cluster>,
    slices: Slices,
  ): Promise<{ removed: Set<Cluster>; added: Cluster[] }> {
    try {
      return await this.regroup(dirty, affected, slices);
    } finally {
      this.sets.clear();
    }
  }

  /** The clusters the changed slots now form, worked out in `sets` (recluster clears it). */
  private async regroup(
    dirty: ReadonlyMap<string, Draft | undefined>,
    affected: Set<Cluster>,
    slices: Slices,
  ): Promise<{ removed: Set<Cluster>; added: Cluster[] }> {
    const { sets } = this;
    const explore: number[] = [];
    const involve = (hash: string) => {
      const slot = this.slots.get(hash);
      if (slot === undefined || sets.has(slot)) return;
      sets.join(slot, slot);
      explore.push(slot);
    };
    for (const cluster of affected) for (const hash of cluster.hashes) involve(hash);
    for (const hash of dirty.keys()) involve(hash);

    const removed = new Set(affected);
    // Sharing a band is symmetric: a candidate explored before this one met it then.
    const unexplored = (slot: number) => !sets.marked(slot);
    for (const own of explore) {
      if (slices.due()) await slices.pause();
      if (!this.indexed[own]) continue;
      sets.mark(own);
      const sig = this.signatureAt(own)!;
      this.lsh.forEachCandidate(own, sig, unexplored, (other) => {
        if (sets.has(other) && sets.find(other) === sets.find(own)) return;
        if (!similarAtLeast(sig, this.signatureAt(other)!, this.threshold)) return;
        if (!sets.has(other)) {
          // A cluster no change touched: its own links are as they were, so it joins whole.
          const cluster = this.clusterOfSlot[other]!;
          removed.add(cluster);
          const root = this.slots.get(cluster.hashes[0]!)!;
          for (const member of cluster.hashes) sets.join(this.slots.get(member)!, root);
        }
        sets.union(own, other);
      });
    }

    const byRoot = new Map<number, string[]>();
    for (const slot of sets.members) {
      const root = sets.find(slot);
      const hash = this.hashOfSlot[slot]!;
      const list = byRoot.get(root);
      if (list) list.push(hash);
      else byRoot.set(root, [hash]);
    }
    const added: Cluster[] = [];
    for (const hashes of byRoot.values()) {
      const sorted = hashes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const cluster: Cluster = { hashes: sorted, article: undefined };
      for (const hash of hashes) this.clusterOfSlot[this.slots.get(hash)!] = cluster;
      added.push(cluster);
    }
    return { removed, added };
  }

  /** Takes a node out of the LSH index: its signature is its primary's under `learned`. */
  private unindex(slot: number, learned: ReadonlySet<number> | undefined): void {
    this.lsh.remove(slot, finalSignature(sketchOf(this.primaryOfSlot[slot]!)!, learned)!);
    this.indexed[slot] = 0;
  }

  /** A slot for a new node, in the arrays by slot, with no primary or cluster yet. */
  private slot(hash: string): number {
    const slot = this.freeSlots.pop() ?? this.hashOfSlot.length;
    this.slots.set(hash, slot);
    this.hashOfSlot[slot] = hash;
    this.primaryOfSlot[slot] = undefined;
    this.clusterOfSlot[slot] = undefined;
    this.signatures[slot] = undefined;
    if (slot >= this.indexed.length) {
      const size = this.indexed.length * 2;
      const indexed = new Uint8Array(size);
      indexed.set(this.indexed);
      this.indexed = indexed;
      this.sets.grow(size);
    }
    this.indexed[slot] = 0;
    return slot;
  }

  private release(hash: string, slot: number): void {
    this.slots.delete(hash);
    this.hashOfSlot[slot] = undefined;
    this.primaryOfSlot[slot] = undefined;
    this.clusterOfSlot[slot] = undefined;
    this.signatures[slot] = undefined;
    this.indexed[slot] = 0;
    this.freeSlots.push(slot);
  }
}
