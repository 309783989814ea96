import { mergeNotes, planNearDuplicates } from '../dedupe/merge-plan.js';
import type { Signature } from '../dedupe/signature.js';
import type {
  Article,
  Catalog,
  Category,
  ContentSource,
  DatedDraft,
  Draft,
  Notice,
  Rejection,
} from '../model.js';
import { compareStrings } from '../scan/walk.js';
import { ContentStore } from './content.js';
import { authorsOf, groupsByName, tagsOf } from './groups.js';
import { assignSlugs } from './slug.js';

/** Remembered guids, so an edited or moved article keeps the identity readers already know. */
export interface GuidMemory {
  readonly byHash: ReadonlyMap<string, string>;
  readonly byPath: ReadonlyMap<string, string>;
}

export const EMPTY_GUID_MEMORY: GuidMemory = { byHash: new Map(), byPath: new Map() };

export const hashGuid = (contentHash: string) => `urn:sha256:${contentHash}`;

/** The article page id: the first 16 hex digits of the hash inside the guid (or of the guid). */
export function articleIdFromGuid(guid: string): string {
  const m = /^urn:sha256:([0-9a-f]{16})/.exec(guid);
  return m ? m[1]! : guid.replace(/[^0-9a-z]/gi, '').slice(-16);
}

export function byDateThenSource(a: DatedDraft, b: DatedDraft): number {
  return a.date - b.date || compareStrings(a.draft.source, b.draft.source);
}

/** A single list without repeats is its own union: kept, it stays shared (catalog/shared-names.ts). */
function union(lists: ReadonlyArray<readonly string[]>): readonly string[] {
  const only = lists.length === 1 ? lists[0]! : undefined;
  if (only && only.every((item, i) => only.indexOf(item) === i)) return only;
  const out: string[] = [];
  for (const list of lists) for (const item of list) if (!out.includes(item)) out.push(item);
  return out;
}

/**
 * Merges copies of one article (same content hash). The earliest-dated copy (then the first by
 * path) supplies title, date, updated and content; link, author and image come from the first copy, in
 * that order, that has one; categories and tags are the union; every source is kept.
 */
export function mergeCopies(copies: readonly DatedDraft[], guid: string): Article {
  const ordered = [...copies].sort(byDateThenSource);
  const winner = ordered[0]!;
  const first = <K extends 'link' | 'author' | 'image'>(key: K) =>
    ordered.find((c) => c.draft[key])?.draft[key];
  return {
    id: articleIdFromGuid(guid),
    guid,
    title: winner.draft.title,
    link: first('link'),
    date: winner.date,
    // The winner's own: another copy appearing (a re-crawl, later-dated) is not an edit.
    updated: winner.draft.updated ?? winner.date,
    // The winner's, as `updated`: a copy re-crawled or touched elsewhere is not an edit.
    modified: winner.modified ?? 0,
    author: first('author'),
    categories: union(ordered.map((c) => c.draft.categories)),
    tags: union(ordered.map((c) => c.draft.tags)),
    image: first('image'),
    summary: winner.draft.summary,
    summaryAt: winner.draft.summaryAt,
    sources: ordered.map((c) => c.draft.source).sort(compareStrings),
    bodySource: winner.draft.source,
    contentHash: winner.draft.contentHash,
  };
}

export function chooseGuid(
  hash: string,
  sources: readonly string[],
  memory: GuidMemory,
  used: { has(guid: string): boolean },
): string {
  const candidates = [memory.byHash.get(hash), ...sources.map((s) => memory.byPath.get(s)).sort()];
  const remembered = candidates.find((g): g is string => g !== undefined && !used.has(g));
  return remembered ?? hashGuid(hash);
}

export function newestFirst(a: Article, b: Article): number {
  return b.date - a.date || compareStrings(a.guid, b.guid);
}

/**
 * Articles of the last catalog by their winning draft, so that a rescan reuses the very Article
 * objects whose copies did not change (and with them every cache keyed by article).
 */
export type MergeMemo = WeakMap<Draft, Article | MergedCopies>;

/**
 * What the memo keeps of an article of several copies. One of a single copy (most articles) is
 * kept as the Article alone: its guid, date and modification time are the copy's, and no notes.
 */
interface MergedCopies {
  readonly copies: readonly DatedDraft[];
  readonly guid: string;
  readonly notes: string;
  readonly article: Article;
}

function reusable(
  known: Article | MergedCopies | undefined,
  copies: readonly DatedDraft[],
  guid: string,
  notes: string,
): Article | undefined {
  if (!known) return undefined;
  if (!('copies' in known)) {
    const only = copies.length === 1 ? copies[0]! : undefined;
    return only &&
      known.guid === guid &&
      known.date === only.date &&
      known.modified === (only.modified ?? 0)
      ? known
      : undefined;
  }
  return known.guid === guid && known.notes === notes && sameCopies(known.copies, copies)
    ? known.article
    : undefined;
}

function sameCopies(a: readonly DatedDraft[], b: readonly DatedDraft[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (c, i) => c.draft === b[i]!.draft && c.date === b[i]!.date && c.modified === b[i]!.modified,
    )
  );
}

/**
 * One cluster's copies (sorted, primary first) as its Article: the very Article of the last
 * catalog if its copies, guid and merge notes are the same. `near`: its near-duplicate sources.
 */
export function mergeCluster(
  copies: readonly DatedDraft[],
  guid: string,
  signatures: ReadonlyMap<string, Signature | undefined> | undefined,
  memo: MergeMemo | undefined,
): { article: Article; near: number } {
  const notes = copies.length > 1 ? mergeNotes(copies, signatures) : [];
  const near = notes.filter((n) => n.reason === 'near').length;
  // No notes (a single copy, most articles): no string to keep per article.
  const notesKey = notes.length ? JSON.stringify(notes) : '';
  const known = reusable(memo?.get(copies[0]!.draft), copies, guid, notesKey);
  if (known) return { article: known, near };
  const base = mergeCopies(copies, guid);
  const article = notes.length ? { ...base, merges: notes } : base;
  // A copy of the list: the incremental index passes its live group, which later edits change
  // in place, and a memo holding that very array would compare it with itself.
  memo?.set(
    copies[0]!.draft,
    copies.length === 1 ? article : { copies: [...copies], guid, notes: notesKey, article },
  );
  return { article, near };
}

/** Drafts and rejections of one scan → the Catalog every output is rendered from. Pure. */
export function buildCatalog(input: {
  drafts: readonly DatedDraft[];
  rejected: readonly Rejection[];
  notices: readonly Notice[];
  files: number;
  memory?: GuidMemory;
  /** Where bodies live; by default the drafts' own. */
  content?: ContentSource;
  memo?: MergeMemo;
  /** Merge near-duplicates whose estimated similarity reaches this (0: exact copies only). */
  nearDupThreshold?: number;
}): Catalog {
  const memory = input.memory ?? EMPTY_GUID_MEMORY;
  const groups = new Map<string, DatedDraft[]>();
  for (const d of input.drafts) {
    const group = groups.get(d.draft.contentHash);
    if (group) group.push(d);
    else groups.set(d.draft.contentHash, [d]);
  }
  // Hashes in sorted order so that guid conflicts resolve the same way on every run.
  const hashes = [...groups.keys()].sort(compareStrings);
  for (const hash of hashes) groups.get(hash)!.sort(byDateThenSource);
  const threshold = input.nearDupThreshold ?? 0;
  const plan = threshold > 0 ? planNearDuplicates(groups, hashes, threshold) : undefined;
  const clusters = plan?.clusters ?? hashes.map((hash) => [hash]);
  const merged = clusters.map((cluster) =>
    cluster.length === 1
      ? groups.get(cluster[0]!)!
      : cluster.flatMap((hash) => groups.get(hash)!).sort(byDateThenSource),
  );
  // Guids remembered for an article's own text first, so that a copy that stops being merged
  // (and remembers, by its path, the guid of the article it was part of) cannot take it away.
  const used = new Set<string>();
  const guids = merged.map((copies) => {
    const own = memory.byHash.get(copies[0]!.draft.contentHash);
    if (own === undefined || used.has(own)) return undefined;
    used.add(own);
    return own;
  });
  const articles: Article[] = [];
  let nearDuplicates = 0;
  for (const [i, copies] of merged.entries()) {
    let guid = guids[i];
    if (guid === undefined) {
      guid = chooseGuid(
        copies[0]!.draft.contentHash,
        copies.map((c) => c.draft.source),
        memory,
        used,
      );
      used.add(guid);
    }
    const { article, near } = mergeCluster(copies, guid, plan?.signatures, input.memo);
    nearDuplicates += near;
    articles.push(article);
  }
  articles.sort(newestFirst);

  const slugs = assignSlugs(articles.flatMap((a) => a.categories));
  const members = new Map<string, string[]>();
  for (const article of articles) {
    for (const name of article.categories) {
      const list = members.get(name);
      if (list) list.push(article.id);
      else members.set(name, [article.id]);
    }
  }
  const categories: Category[] = [...slugs.entries()].map(([name, slug]) => ({
    name,
    slug,
    articleIds: members.get(name)!,
  }));

  return {
    content: input.content ?? ContentStore.fromDrafts(input.drafts.map((d) => d.draft)),
    articles,
    articleIds: articles.map((a) => a.id),
    byId: new Map(articles.map((a) => [a.id, a])),
    categories,
    tags: groupsByName(articles, tagsOf),
    authors: groupsByName(articles, authorsOf),
    rejected: input.rejected,
    notices: input.notices,
    files: input.files,
    duplicates: input.drafts.length - articles.length,
    nearDuplicates,
    boilerplate: plan?.learned.lines ?? [],
  };
}
