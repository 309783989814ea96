import type { ResourceLru } from './byte-lru.js';
import type { Article } from '../model.js';
import { archiveFrame, type ArchiveItems } from './archive-items.js';
import { itemAuthor, toFeedItem, type FeedItem, type FeedSpec } from './feed-model.js';
import { feedSpec, historyLinks, renderFeed } from './feed-specs.js';
import type { ArchivePage, FeedRoutes } from './feed-routes.js';
import { shortHash } from './fingerprint.js';
import { newestChange } from './last-modified.js';
import { Resource } from './resource.js';
import type { SiteGroup } from './site-groups.js';
import type { SiteInputs } from './site-inputs.js';
import { CONTENT_TYPES } from './urls.js';

/** An archive page other than the newest changes only if an article of its period is added or removed. */
export const ARCHIVE_MAX_AGE = 86_400;

/** RFC 5005 archive pages, rendered on demand and kept in the Site's cache of variants. */
export class ArchivePages {
  /** The last page's spec, and its frame's: a page's three formats are asked for in a row. */
  private readonly specs = new LastOfPage<FeedSpec>();
  private readonly frameSpecs = new LastOfPage<FeedSpec>();
  /** The last page's fingerprints, asked for again by its other two formats (see spec()). */
  private lastPrints?: { readonly ids: readonly string[]; readonly prints: string };

  constructor(
    private readonly inputs: SiteInputs,
    private readonly routes: FeedRoutes,
    private readonly cache: ResourceLru,
  ) {}

  /** Keys worked out already (an export plans every page's, then renders it): a Site's never change. */
  private readonly keys = new Map<string, string>();

  /** What the page at `path` is rendered from: equal keys, equal bytes. */
  key(path: string, page: ArchivePage): string {
    let key = this.keys.get(path);
    if (key === undefined) this.keys.set(path, (key = this.keyOf(path, page)));
    return key;
  }

  private keyOf(path: string, page: ArchivePage): string {
    const ids = this.routes.archiveIds(page);
    const { group, format, archivePage, layout } = page;
    const n = layout.index.get(archivePage)!;
    const neighbours = `${layout.pages[n - 1]?.label ?? ''}|${layout.pages[n + 1]?.label ?? ''}`;
    return shortHash(
      `${this.inputs.settings}|archive|${format}|${group.kind}|${group.name}|${path}|${neighbours}|${this.printsOf(ids)}`,
    );
  }

  private printsOf(ids: readonly string[]): string {
    if (this.lastPrints?.ids !== ids)
      this.lastPrints = { ids, prints: this.inputs.prints.printsOf(ids) };
    return this.lastPrints.prints;
  }

  /**
   * `keep`: false for a page rendered once to be written (the export), which the cache would only
   * crowd. `items`: the export's items of pages rendered before, made once for all the pages
   * an article is on (ArchiveItems); the bytes are the same either way.
   */
  resource(path: string, page: ArchivePage, keep = true, items?: ArchiveItems): Resource {
    const key = this.key(path, page);
    const cached = this.cache.get(path);
    if (cached && cached.key === key) return cached;
    const ids = this.routes.archiveIds(page);
    const articles = ids.map((id) => this.inputs.catalog.byId.get(id)!);
    const maxAge = this.routes.isFull(page) ? ARCHIVE_MAX_AGE : undefined;
    const resource = new Resource(
      path,
      CONTENT_TYPES[page.format],
      items?.page(page.format, this.frame(page, articles), ids, this.itemOf) ??
        renderFeed(page.format, this.spec(page, ids), true),
      newestChange(articles),
      key,
      maxAge,
    );
    return keep ? this.cache.set(path, resource) : resource;
  }

  private readonly itemOf = (id: string): FeedItem => {
    const { catalog, slugs, urls } = this.inputs;
    return toFeedItem(catalog.byId.get(id)!, '', slugs, urls);
  };

  /** What comes before and after the items of a page (archiveFrame). */
  private frame(page: ArchivePage, articles: readonly Article[]): readonly [string, string] {
    const authored = articles.every((a) => itemAuthor(a));
    return archiveFrame(page.format, this.frameSpec(page, articles), authored);
  }

  /** The spec of a page but its items, dated by them as a whole spec would be. */
  private frameSpec(page: ArchivePage, articles: readonly Article[]): FeedSpec {
    return this.frameSpecs.get(page, () => {
      let newest = 0;
      for (const a of articles) newest = Math.max(newest, a.updated, a.date);
      return { ...this.pageSpec(page, []), updated: new Date(newest) };
    });
  }

  /**
   * One spec serves the three formats of an archive page: they are asked for one after the other
   * (the export walks every page's formats in a row), so the last spec is kept.
   */
  private spec(page: ArchivePage, ids: readonly string[]): FeedSpec {
    return this.specs.get(page, () => this.pageSpec(page, ids));
  }

  private pageSpec(page: ArchivePage, ids: readonly string[]): FeedSpec {
    const { group, layout, archivePage } = page;
    const history = historyLinks(this.inputs.urls, group, layout, archivePage);
    return feedSpec(this.inputs, group, ids, archivePage, history);
  }
}

/** The last value made for an archive page (the same for each of its formats). */
class LastOfPage<T> {
  private last?: { readonly group: SiteGroup; readonly page: string; readonly value: T };

  get(page: ArchivePage, make: () => T): T {
    const last = this.last;
    if (last && last.group === page.group && last.page === page.archivePage) return last.value;
    const value = make();
    this.last = { group: page.group, page: page.archivePage, value };
    return value;
  }
}
