import { NearDupIndex, type Cluster } from '../dedupe/near-dup-index.js';
import { Slices } from '../slices.js';
import type { Article, Category, DatedDraft, Draft, LearnedLine } from '../model.js';
import {
  byDateThenSource,
  chooseGuid,
  mergeCluster,
  newestFirst,
  type GuidMemory,
  type MergeMemo,
} from './catalog.js';
import { CopyGroups } from './copy-groups.js';
import { NameIndex } from './name-index.js';
import { authorsOf, tagsOf } from './groups.js';
import { LayeredMap } from './layered-map.js';
import { applySortedWith } from './sorted.js';

/** What buildCatalog derives from the drafts, as CatalogIndex keeps it. */
export interface IndexedCatalog {
  readonly articles: readonly Article[];
  readonly articleIds: readonly string[];
  readonly byId: ReadonlyMap<string, Article>;
  readonly categories: readonly Category[];
  readonly tags: readonly Category[];
  readonly authors: readonly Category[];
  readonly duplicates: number;
  readonly nearDuplicates: number;
  readonly boilerplate: readonly LearnedLine[];
  /** Articles that left and came with this change (an Article in both did not change). */
  readonly gone: readonly Article[];
  readonly came: readonly Article[];
}

/** How many of an article's sources were merged as near-duplicates (mergeCluster's `near`). */
const nearOf = (article: Article) =>
  article.merges ? article.merges.filter((m) => m.reason === 'near').length : 0;

/**
 * buildCatalog's grouping kept as an index and updated by delta: exact-copy groups by content
 * hash, near-duplicate clusters (NearDupIndex), one Article per cluster, the articles newest
 * first and each category's members in the same order. A change regroups only the hashes it
 * touches and re-merges only the clusters they are in, before and after; the result equals
 * buildCatalog's over the same drafts and guid memory (tests/catalog/incremental.test.ts).
 *
 * Guids: buildCatalog gives each cluster, in order of its smallest hash, the guid remembered for
 * its primary's text, then to the rest one remembered by path, or a new one. A cluster that did
 * not change has the guid it had and memory.byHash remembers it for its primary, so it keeps it;
 * the changed clusters alone go through the same two rounds, with the others' guids taken. That
 * holds while guids are unique, which the builder checks (`unique`), rebuilding otherwise.
 */
export class CatalogIndex {
  private readonly groups = new CopyGroups();
  private readonly nearDup: NearDupIndex;
  private readonly guids = new Map<string, number>();
  private readonly categoryIndex = new NameIndex((a) => a.categories, false);
  private readonly tagIndex = new NameIndex(tagsOf);
  private readonly authorIndex = new NameIndex(authorsOf);
  private articles: readonly Article[] = [];
  private articleIds: readonly string[] = [];
  private byId = LayeredMap.of<string, Article>([]);
  private drafts = 0;
  private nearDuplicates = 0;

  constructor(
    threshold: number,
    private readonly memo: MergeMemo,
  ) {
    this.nearDup = new NearDupIndex(threshold);
  }

  /** Whether no two articles share a guid or an id (the condition for updating by delta). */
  get unique(): boolean {
    return this.guids.size === this.articles.length && this.byId.size === this.articles.length;
  }

  /** Whether the hash is an article's own (its primary's). */
  isPrimary(hash: string): boolean {
    const cluster = this.nearDup.clusterOf(hash);
    return cluster?.article?.contentHash === hash;
  }

  /** The date of the copies with this hash that had none of their own (all have the same). */
  undatedDate(hash: string): number | undefined {
    return this.groups.get(hash)?.find((c) => c.draft.date === undefined)?.date;
  }

  /** Gives the event loop a turn now and then in a big change (src/slices.ts). */
  async apply(
    removed: readonly DatedDraft[],
    added: readonly DatedDraft[],
    memory: GuidMemory,
  ): Promise<IndexedCatalog> {
    const slices = new Slices();
    const touched = new Set<string>();
    for (const d of removed) {
      this.groups.remove(d);
      touched.add(d.draft.contentHash);
    }
    for (const d of added) {
      this.groups.add(d);
      touched.add(d.draft.contentHash);
    }
    this.drafts += added.length - removed.length;

    const primaries = new Map<string, Draft | undefined>();
    for (const hash of touched) primaries.set(hash, this.groups.first(hash)?.draft);
    const clusters = await this.nearDup.update(primaries, slices);
    // Clusters whose hashes stayed but whose copies changed are merged again too.
    const again = new Set(clusters.added);
    for (const hash of touched) {
      const cluster = this.nearDup.clusterOf(hash);
      if (cluster && !again.has(cluster)) {
        again.add(cluster);
        clusters.removed.add(cluster);
      }
    }

    const before: Article[] = [];
    for (const cluster of clusters.removed) {
      const old = cluster.article;
      if (!old) continue;
      cluster.article = undefined;
      this.nearDuplicates -= nearOf(old);
      this.release(old.guid);
      before.push(old);
    }
    const after = await this.mergeAll(
      [...again].sort((a, b) => (a.hashes[0]! < b.hashes[0]! ? -1 : 1)),
      memory,
      slices,
    );

    this.nearDup.forgetSignatures();
    const afterSet = new Set(after);
    const kept = new Set(before.filter((a) => afterSet.has(a)));
    const gone = before.filter((a) => !kept.has(a));
    const came = after.filter((a) => !kept.has(a));
    const sorted = applySortedWith(this.articles, this.articleIds, gone, came, newestFirst, idOf);
    this.articles = sorted.list;
    this.articleIds = sorted.projected;
    this.byId = withChanges(this.byId, gone, came, this.articles);
    return {
      articles: this.articles,
      articleIds: this.articleIds,
      byId: this.byId,
      categories: this.categoryIndex.update(gone, came),
      tags: this.tagIndex.update(gone, came),
      authors: this.authorIndex.update(gone, came),
      duplicates: this.drafts - this.articles.length,
      nearDuplicates: this.nearDuplicates,
      boilerplate: this.nearDup.boilerplate,
      gone,
      came,
    };
  }

  /** Guids in buildCatalog's two rounds, for these clusters (in order of their smallest hash). */
  private async mergeAll(
    clusters: readonly Cluster[],
    memory: GuidMemory,
    slices: Slices,
  ): Promise<Article[]> {
    const copiesOf = clusters.map((cluster) =>
      cluster.hashes.length === 1
        ? this.groups.get(cluster.hashes[0]!)!
        : cluster.hashes.flatMap((hash) => this.groups.get(hash)!).sort(byDateThenSource),
    );
    const guids = copiesOf.map((copies) => {
      const own = memory.byHash.get(copies[0]!.draft.contentHash);
      if (own === undefined || this.guids.has(own)) return undefined;
      this.take(own);
      return own;
    });
    const usedGuids = { has: (guid: string) => this.guids.has(guid) };
    const articles: Article[] = [];
    for (const [i, cluster] of clusters.entries()) {
      if (slices.due()) await slices.pause();
      const copies = copiesOf[i]!;
      let guid = guids[i];
      if (guid === undefined) {
        const sources = copies.map((c) => c.draft.source);
        guid = chooseGuid(copies[0]!.draft.contentHash, sources, memory, usedGuids);
        this.take(guid);
      }
      const signatures =
        cluster.hashes.length > 1
          ? new Map(cluster.hashes.map((hash) => [hash, this.nearDup.signatureOf(hash)]))
          : undefined;
      const { article } = mergeCluster(copies, guid, signatures, this.memo);
      cluster.article = article;
      this.nearDuplicates += nearOf(article);
      articles.push(article);
    }
    return articles;
  }

  private take(guid: string): void {
    this.guids.set(guid, (this.guids.get(guid) ?? 0) + 1);
  }

  private release(guid: string): void {
    const n = this.guids.get(guid)! - 1;
    if (n === 0) this.guids.delete(guid);
    else this.guids.set(guid, n);
  }
}

const idOf = (article: Article) => article.id;

/** The last map with a change applied, as a new map (the last catalog keeps its own). */
function withChanges(
  byId: LayeredMap<string, Article>,
  gone: readonly Article[],
  came: readonly Article[],
  articles: readonly Article[],
): LayeredMap<string, Article> {
  if (gone.length + came.length > articles.length / 4)
    return LayeredMap.of(articles.map((a) => [a.id, a]));
  return byId.with(
    gone.filter((a) => byId.get(a.id) === a).map((a) => a.id),
    came.map((a) => [a.id, a]),
  );
}
