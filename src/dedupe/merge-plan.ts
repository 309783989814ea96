import type { DatedDraft, MergeNote, TextDiff } from '../model.js';
import { learnBoilerplate, publisherOf, type Learned } from './learned-boilerplate.js';
import { clusterNearDuplicates, type NearDupStats } from './near-dup.js';
import { finalSignature, similarity, type Signature } from './signature.js';
import { paragraphKeys } from './sketch.js';
import { sketchOf } from './sketch-ref.js';

/**
 * Which exact-copy groups (by content hash) are near-duplicates of each other: boilerplate is
 * learned from the groups' primaries, each primary's similarity signature leaves out its
 * publisher's learned boilerplate, and LSH clusters the signatures. Pure.
 */
export interface NearDupPlan {
  /** Clusters of content hashes, each in sorted order; clusters in the order of their first hash. */
  readonly clusters: readonly (readonly string[])[];
  readonly signatures: ReadonlyMap<string, Signature | undefined>;
  readonly learned: Learned;
  readonly stats: NearDupStats;
}

/** `hashes` sorted; each group's copies sorted with its primary first. */
export function planNearDuplicates(
  groups: ReadonlyMap<string, readonly DatedDraft[]>,
  hashes: readonly string[],
  threshold: number,
): NearDupPlan {
  const primaries = hashes.map((hash) => groups.get(hash)![0]!.draft);
  const publishers = primaries.map(publisherOf);
  const learned = learnBoilerplate(
    primaries.map((d, i) => ({ publisher: publishers[i]!, source: d.source, sketch: sketchOf(d) })),
  );
  const sigs = primaries.map((d, i) => {
    const sketch = sketchOf(d);
    return sketch ? finalSignature(sketch, learned.byPublisher.get(publishers[i]!)) : undefined;
  });
  const { root, stats } = clusterNearDuplicates(sigs, threshold);
  const byRoot = new Map<number, string[]>();
  hashes.forEach((hash, i) => {
    const list = byRoot.get(root[i]!);
    if (list) list.push(hash);
    else byRoot.set(root[i]!, [hash]);
  });
  return {
    clusters: [...byRoot.values()],
    signatures: new Map(hashes.map((hash, i) => [hash, sigs[i]])),
    learned,
    stats,
  };
}

/** Paragraph-level differences between two sketched texts. */
export function paragraphDiff(primary: Uint32Array, copy: Uint32Array): TextDiff {
  const mine = paragraphKeys(primary);
  const theirs = paragraphKeys(copy);
  const inPrimary = new Set(mine);
  const inCopy = new Set(theirs);
  const first = theirs.findIndex((key) => !inPrimary.has(key));
  return {
    same: [...inCopy].filter((key) => inPrimary.has(key)).length,
    onlyInPrimary: [...inPrimary].filter((key) => !inCopy.has(key)).length,
    onlyInCopy: [...inCopy].filter((key) => !inPrimary.has(key)).length,
    ...(first === -1 ? {} : { firstDifferentParagraph: first + 1 }),
  };
}

/** Why each copy but the primary (copies[0]) is part of the article. */
export function mergeNotes(
  copies: readonly DatedDraft[],
  signatures?: ReadonlyMap<string, Signature | undefined>,
): MergeNote[] {
  const primary = copies[0]!.draft;
  return copies.slice(1).map(({ draft }) => {
    const title = draft.title !== primary.title ? { title: draft.title } : {};
    if (draft.contentHash === primary.contentHash)
      return { source: draft.source, reason: 'exact', similarity: 1, ...title };
    const a = signatures?.get(primary.contentHash);
    const b = signatures?.get(draft.contentHash);
    const mine = sketchOf(primary);
    const theirs = sketchOf(draft);
    return {
      source: draft.source,
      reason: 'near',
      similarity: a && b ? similarity(a, b) : 0,
      ...(mine && theirs ? { diff: paragraphDiff(mine, theirs) } : {}),
      ...title,
    };
  });
}
