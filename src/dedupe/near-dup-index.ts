import type { Article, Draft, LearnedLine } from '../model.js';
import { BoilerplateCounts } from './boilerplate-counts.js';
import { publisherOf } from './learned-boilerplate.js';
import { LshIndex } from './lsh-index.js';
import { finalSignature, similarAtLeast, type Signature } from './signature.js';
import { shortParagraphKeys } from './sketch.js';
import { sketchOf } from './sketch-ref.js';

/** Content hashes that are one article; sorted. */
export interface Cluster {
  readonly hashes: readonly string[];
  /**
   * The catalog's Article of it, set by the catalog (catalog/catalog-index.ts): kept here rather
   * than in a Map by cluster, one entry per article (~1.8 MB at 45,000).
   */
  article: Article | undefined;
}

interface Node {
  readonly slot: number;
  primary: Draft;
  indexed: boolean;
  cluster?: Cluster;
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
 */
export class NearDupIndex {
  private readonly nodes = new Map<string, Node>();
  private readonly hashOfSlot: (string | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly lsh = new LshIndex((slot) => this.signatureOf(this.hashOfSlot[slot]!)!);
  private readonly counts = new BoilerplateCounts();
  /** Signatures computed since the last update (with the current learned boilerplate). */
  private signatures = new Map<string, Signature | undefined>();

  constructor(private readonly threshold: number) {}

  clusterOf(hash: string): Cluster | undefined {
    return this.nodes.get(hash)?.cluster;
  }

  get boilerplate(): readonly LearnedLine[] {
    return this.counts.lines;
  }

  /** Lets the signatures computed for the last update go (half a kilobyte per article). */
  forgetSignatures(): void {
    this.signatures = new Map();
  }

  /** The similarity signature of a hash's primary, without its publisher's learned boilerplate. */
  signatureOf(hash: string): Signature | undefined {
    if (this.signatures.has(hash)) return this.signatures.get(hash);
    const node = this.nodes.get(hash);
    const sketch = this.threshold > 0 && node ? sketchOf(node.primary) : undefined;
    const sig = sketch && finalSignature(sketch, this.counts.learnedOf(publisherOf(node!.primary)));
    this.signatures.set(hash, sig);
    return sig;
  }

  /**
   * New primaries by content hash (undefined: the hash is gone). Returns the clusters that no
   * longer exist and the ones that replace them.
   */
  update(primaries: ReadonlyMap<string, Draft | undefined>): {
    removed: Set<Cluster>;
    added: Cluster[];
  } {
    this.signatures = new Map();
    const near = this.threshold > 0;
    const dirty = new Map<string, Draft | undefined>();
    const affected = new Set<Cluster>();
    for (const [hash, primary] of primaries) {
      const node = this.nodes.get(hash);
      if (node?.primary === primary) continue;
      dirty.set(hash, primary);
      if (node) {
        affected.add(node.cluster!);
        // Out of the LSH index under the learned boilerplate it went in with (settled below).
        if (node.indexed) this.unindex(node, this.counts.learnedOf(publisherOf(node.primary)));
        if (near) this.counts.remove(hash, node.primary);
      }
      if (primary && near) this.counts.add(hash, primary);
    }
    if (near) this.relearned(dirty, affected);

    for (const [hash, primary] of dirty) {
      let node = this.nodes.get(hash);
      if (!primary) {
        if (node) this.release(hash, node.slot);
        continue;
      }
      if (!node)
        this.nodes.set(
          hash,
          (node = { slot: this.slot(hash), primary, indexed: false, cluster: undefined }),
        );
      node.primary = primary;
      const sig = this.signatureOf(hash);
      node.indexed = sig !== undefined;
      if (sig) this.lsh.add(node.slot, sig);
    }
    return this.recluster(dirty, affected);
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
        const node = this.nodes.get(hash)!;
        affected.add(node.cluster!);
        if (node.indexed) this.unindex(node, before);
      }
    }
  }

  private recluster(
    dirty: ReadonlyMap<string, Draft | undefined>,
    affected: Set<Cluster>,
  ): { removed: Set<Cluster>; added: Cluster[] } {
    const parent = new Map<string, string>();
    const find = (hash: string): string => {
      let root = hash;
      for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root))
        root = up;
      return root;
    };
    const union = (a: string, b: string) => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(rb, ra);
    };
    const explore: string[] = [];
    const involve = (hash: string) => {
      if (parent.has(hash) || !this.nodes.has(hash)) return;
      parent.set(hash, hash);
      explore.push(hash);
    };
    for (const cluster of affected) for (const hash of cluster.hashes) involve(hash);
    for (const hash of dirty.keys()) involve(hash);

    const removed = new Set(affected);
    for (const hash of explore) {
      const node = this.nodes.get(hash)!;
      if (!node.indexed) continue;
      const sig = this.signatureOf(hash)!;
      this.lsh.forEachCandidate(node.slot, sig, (slot) => {
        const other = this.hashOfSlot[slot]!;
        if (find(other) === find(hash)) return;
        if (!similarAtLeast(sig, this.signatureOf(other)!, this.threshold)) return;
        if (!parent.has(other)) {
          // A cluster no change touched: its own links are as they were, so it joins whole.
          const cluster = this.nodes.get(other)!.cluster!;
          removed.add(cluster);
          for (const member of cluster.hashes) parent.set(member, cluster.hashes[0]!);
        }
        union(hash, other);
      });
    }

    const byRoot = new Map<string, string[]>();
    for (const hash of parent.keys()) {
      const root = find(hash);
      const list = byRoot.get(root);
      if (list) list.push(hash);
      else byRoot.set(root, [hash]);
    }
    const added: Cluster[] = [];
    for (const hashes of byRoot.values()) {
      const sorted = hashes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const cluster: Cluster = { hashes: sorted, article: undefined };
      for (const hash of hashes) this.nodes.get(hash)!.cluster = cluster;
      added.push(cluster);
    }
    return { removed, added };
  }

  /** Takes a node out of the LSH index: its signature is its primary's under `learned`. */
  private unindex(node: Node, learned: ReadonlySet<number> | undefined): void {
    this.lsh.remove(node.slot, finalSignature(sketchOf(node.primary)!, learned)!);
    node.indexed = false;
  }

  private slot(hash: string): number {
    const slot = this.freeSlots.pop() ?? this.hashOfSlot.length;
    this.hashOfSlot[slot] = hash;
    return slot;
  }

  private release(hash: string, slot: number): void {
    this.nodes.delete(hash);
    this.hashOfSlot[slot] = undefined;
    this.freeSlots.push(slot);
  }
}
