import { ResourceLru } from './byte-lru.js';
import { feedSpec, historyLinks, renderFeed, withQuery } from './feed-specs.js';
import { isArchivePage, type FeedRoutes, type FeedSource } from './feed-routes.js';
import { passes, type FeedQuery } from './filters.js';
import { shortHash } from './fingerprint.js';
import { converter, convertFeedSpec, convertHtmlText, type OpenccVariant } from './opencc.js';
import { renderSearchPage } from './pages.js';
import { Resource, wholeSeconds } from './resource.js';
import { normalizeQuery, searchArticles } from './search.js';
import type { SiteInputs } from './site-inputs.js';
import { CONTENT_TYPES, paths } from './urls.js';

/** Request-made variants (filters, `?opencc=`, archive pages, searches) kept per Site. */
const VARIANT_CACHE = { entries: 2000, bytes: 64 << 20 };

export function variantCache(): ResourceLru {
  return new ResourceLru(VARIANT_CACHE.entries, VARIANT_CACHE.bytes);
}

/** What a query string makes of a feed or page: each distinct result rendered once, then cached. */
export class Variants {
  constructor(
    private readonly inputs: SiteInputs,
    private readonly routes: FeedRoutes,
    private readonly cache: ResourceLru,
  ) {}

  /**
   * A feed (current or archive page) answered for a query: filters select among its items, then
   * `limit` cuts, then `?opencc=` converts. The item selection is made per request (filter_time
   * depends on the clock) but each distinct result is rendered once and cached with its own ETag.
   * A cut or filtered feed has no archive links: the archive continues the whole feed, not a part.
   */
  feed(path: string, source: FeedSource, base: Resource, query: FeedQuery, now: number): Resource {
    const { group, archivePage } = source;
    const all = isArchivePage(source)
      ? this.routes.archiveIds(source)
      : group.articleIds.slice(0, this.inputs.options.limit);
    let ids = query.filters
      ? all.filter((id) => passes(query, this.inputs.catalog.byId.get(id)!, now))
      : all;
    if (query.limit !== undefined) ids = ids.slice(0, query.limit);
    const cut = ids.length !== all.length;
    if (!cut && !query.opencc) return base;

    const cacheKey = `${path}?opencc=${query.opencc ?? ''}${cut ? `&items=${shortHash(ids.join(','))}` : ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    let history = cut
      ? undefined
      : historyLinks(this.inputs.urls, group, source.layout, archivePage);
    if (history && query.opencc) history = withQuery(history, `opencc=${query.opencc}`);
    let spec = feedSpec(this.inputs, group, ids, archivePage, history);
    // The variant's own address is its self link (JSON Feed's feed_url): the URL that was asked for.
    // It names no hub: the hub takes only the plain feeds as topics.
    const self = spec.selfUrls;
    spec = {
      ...spec,
      hub: undefined,
      selfUrls: {
        rss: `${self.rss}?${query.key}`,
        atom: `${self.atom}?${query.key}`,
        json: `${self.json}?${query.key}`,
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
    );
    return this.cache.set(cacheKey, resource);
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
      const newest = results.reduce(
        (t, a) => Math.max(t, a.updated.getTime(), this.inputs.prints.since(a.id).getTime()),
        0,
      );
      const body = renderSearchPage(this.inputs.page, { q: normalized, results, total });
      page = this.cache.set(
        cacheKey,
        new Resource(
          paths.index,
          CONTENT_TYPES.html,
          body,
          wholeSeconds(new Date(newest || this.inputs.builtAt.getTime())),
          cacheKey,
        ),
      );
    }
    return variant ? this.convertedPage(page, `${cacheKey}&opencc=${variant}`, variant) : page;
  }
}
