import { ResourceLru } from './byte-lru.js';
import { feedSpec, historyLinks, renderFeed, withQuery } from './feed-specs.js';
import { hotArticles } from './hot-articles.js';
import { isArchivePage, type FeedRoutes, type FeedSource } from './feed-routes.js';
import { selectIds, selectNow, FilterIndex } from './filter-index.js';
import type { FeedQuery } from './filters.js';
import { shortHash } from './fingerprint.js';
import { converter, convertFeedSpec, convertHtmlText, type OpenccVariant } from './opencc.js';
import { renderSearchPage } from './pages.js';
import { newestChange } from './last-modified.js';
import { Resource } from './resource.js';
import { normalizeQuery, searchArticles } from './search.js';
import type { SiteInputs } from './site-inputs.js';
import { CONTENT_TYPES, paths } from './urls.js';

/** Request-made variants (filters, `?opencc=`, archive pages, searches) kept per Site. */
const VARIANT_CACHE = { entries: 2000, bytes: 64 << 20 };

export function variantCache(): ResourceLru {
  return new ResourceLru(VARIANT_CACHE.entries, VARIANT_CACHE.bytes);
}

/** Filter selections kept per Site (ids, at most the feed limit each). */
const SELECTIONS = 2000;

/** What a query string makes of a feed or page: each distinct result rendered once, then cached. */
export class Variants {
  private index?: FilterIndex;
  private indexBuild?: Generator<void, FilterIndex>;
  private hot?: ReadonlySet<string>;
  private readonly positions = new WeakMap<object, Int32Array>();
  private readonly selections = new Map<string, readonly string[]>();

  constructor(
    private readonly inputs: SiteInputs,
    private readonly routes: FeedRoutes,
    private readonly cache: ResourceLru,
  ) {}

  /**
   * The work a filtered feed still needs before `feed()` can answer at once: a scan of the
   * group's whole history (or the archive page's items) that yields every few thousand articles,
   * its result kept for `feed()`. Undefined when there is nothing to scan (no filters, or the
   * selection is cached).
   */
  scan(path: string, source: FeedSource, query: FeedQuery, now: number) {
    if (!query.filters) return undefined;
    const key = this.selectionKey(path, query, now);
    if (this.selections.has(key)) return undefined;
    return this.remembered(key, this.selectionScan(source, query, now));
  }

  /**
   * A feed (current or archive page) answered for a query: filters select among all its group's
   * articles (an archive page: its own items), then `limit` cuts, then `?opencc=` converts. The
   * selection is cached by the normalised query (and, with filter_time, the second), the
   * rendered document by the query string asked for: its self link (JSON Feed's feed_url) is that
   * URL. A cut or filtered feed has no archive links: the archive continues the whole feed.
   */
  feed(
    path: string,
    source: FeedSource,
    base: Resource,
    query: FeedQuery,
    now: number,
    asked: string = query.key,
  ): Resource {
    const { group, archivePage } = source;
    const own = isArchivePage(source)
      ? this.routes.archiveIds(source)
      : group.articleIds.slice(0, this.inputs.options.limit);
    let ids = own;
    if (query.filters) {
      const key = this.selectionKey(path, query, now);
      ids =
        this.selections.get(key) ??
        selectNow(this.remembered(key, this.selectionScan(source, query, now)));
    }
    if (query.limit !== undefined) ids = ids.slice(0, query.limit);
    const cut = query.filters || ids.length < own.length;

    const self = selfQuery(asked);
    const cacheKey = `${path}?${self}#${shortHash(ids.join(','))}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    let history = cut
      ? undefined
      : historyLinks(this.inputs.urls, group, source.layout, archivePage);
    if (history && query.opencc) history = withQuery(history, `opencc=${query.opencc}`);
    let spec = feedSpec(this.inputs, group, ids, archivePage, history, this.bodiless(ids));
    // It names no hub: the hub takes only the plain feeds as topics.
    const urls = spec.selfUrls;
    spec = {
      ...spec,
      hub: undefined,
      selfUrls: {
        rss: `${urls.rss}?${self}`,
        atom: `${urls.atom}?${self}`,
        json: `${urls.json}?${self}`,
      },
    };
    if (query.opencc) spec = convertFeedSpec(spec, converter(query.opencc));
    const resource = new Resource(
      path,
      base.contentType,
      renderFeed(source.format, spec, archivePage !== undefined),
      base.lastModified,
      cacheKey,
      cut ? undefined : base.maxAge,
      'bounded',
    );
    return this.cache.set(cacheKey, resource);
  }

  /**
   * The found articles outside the hot set (those some feed shows, whose bodies a Site keeps in
   * memory): listed with title, summary and link, as archive pages list them, so that a filter
   * over the whole history reads no files and the answer depends on the catalog alone.
   */
  private bodiless(ids: readonly string[]): ReadonlySet<string> | undefined {
    this.hot ??= new Set(
      hotArticles(this.inputs.catalog, this.inputs.options.limit, this.inputs.groups).map(
        (a) => a.id,
      ),
    );
    const hot = this.hot;
    const cold = ids.filter((id) => !hot.has(id));
    return cold.length ? new Set(cold) : undefined;
  }

  private selectionKey(path: string, query: FeedQuery, now: number): string {
    // filter_time moves with the clock: its selection is good for the second it was made in.
    const second = query.maxAgeSeconds === undefined ? '' : `@${Math.floor(now / 1000)}`;
    return `${path}?${query.filterKey}${second}`;
  }

  private *selectionScan(
    source: FeedSource,
    query: FeedQuery,
    now: number,
  ): Generator<void, string[]> {
    const index = yield* this.filterIndex();
    yield* this.hotIds();
    if (isArchivePage(source)) {
      const ids = this.routes.archiveIds(source);
      return yield* selectIds(index, yield* index.positions(ids), query, now, ids.length);
    }
    let positions = this.positions.get(source.group);
    if (!positions)
      this.positions.set(
        source.group,
        (positions = yield* index.positions(source.group.articleIds)),
      );
    return yield* selectIds(index, positions, query, now, this.inputs.options.limit);
  }

  /** The Site's filter index, built once in slices, however many scans wait for it meanwhile. */
  private *filterIndex(): Generator<void, FilterIndex> {
    this.indexBuild ??= FilterIndex.build(this.inputs.catalog.articles);
    while (!this.index) {
      const step = this.indexBuild.next();
      if (step.done) this.index = step.value;
      else yield;
    }
    return this.index;
  }

  /** `bodiless`'s set of hot ids, gathered in slices of groups before the first render needs it. */
  private *hotIds(): Generator<void, ReadonlySet<string>> {
    if (this.hot) return this.hot;
    const { catalog, options, groups } = this.inputs;
    const hot = new Set(catalog.articles.slice(0, options.limit).map((a) => a.id));
    let n = 0;
    for (const group of [...catalog.categories, ...groups.tags, ...groups.authors]) {
      for (const id of group.articleIds.slice(0, options.limit)) hot.add(id);
      if (++n % 256 === 0) yield;
    }
    return (this.hot ??= hot);
  }

  private *remembered(key: string, scan: Generator<void, string[]>): Generator<void, string[]> {
    const ids = yield* scan;
    if (this.selections.size >= SELECTIONS)
      this.selections.delete(this.selections.keys().next().value!);
    this.selections.set(key, ids);
    return ids;
  }

  /** An HTML page with its text converted (`?opencc=`), made once per Site and variant. */
  convertedPage(base: Resource, cacheKey: string, variant: OpenccVariant): Resource {
    const cached = this.cache.get(cacheKey);
    if (cached && cached.key === `${base.key}|${variant}`) return cached;
    const converted = convertHtmlText(new TextDecoder().decode(base.body), converter(variant));
    return this.cache.set(
      cacheKey,
      new Resource(
        base.path,
        base.contentType,
        converted,
        base.lastModified,
        `${base.key}|${variant}`,
        undefined,
        'bounded',
      ),
    );
  }

  /** The results page of `/?q=` (server only), cached per normalized query. */
  search(q: string, variant?: OpenccVariant): Resource {
    const normalized = normalizeQuery(q);
    const cacheKey = `search?${normalized}`;
    let page = this.cache.get(cacheKey);
    if (!page) {
      const { results, total } = searchArticles(this.inputs.catalog.articles, normalized);
      const body = renderSearchPage(this.inputs.page, { q: normalized, results, total });
      page = this.cache.set(
        cacheKey,
        new Resource(
          paths.index,
          CONTENT_TYPES.html,
          body,
          newestChange(results),
          cacheKey,
          undefined,
          'bounded',
        ),
      );
    }
    return variant ? this.convertedPage(page, `${cacheKey}&opencc=${variant}`, variant) : page;
  }
}

/**
 * The query string asked for, as a URI's query: characters a URI may not hold (`|`, spaces,
 * quotes, non-ASCII) percent-encoded, the rest left as sent, so the self link names the URL
 * that was fetched (the W3C validator's SelfDoesntMatchLocation).
 */
function selfQuery(asked: string): string {
  return asked.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g, (c) => encodeURIComponent(c));
}
