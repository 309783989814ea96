import type { Article, Catalog } from '../model.js';
import type { ArchiveItems } from './archive-items.js';
import { ArchivePages } from './archive-pages.js';
import { ArticlePages } from './article-pages.js';
import { DocumentBudget } from './document-budget.js';
import { FeedRoutes, isArchivePage } from './feed-routes.js';
import type { FeedQuery } from './filters.js';
import { FingerprintMemo, shortHash } from './fingerprint.js';
import { feedSpec, renderFeed } from './feed-specs.js';
import { hotArticles } from './hot-articles.js';
import type { OpenccVariant } from './opencc.js';
import { pageSettingsOf, type PageSettings } from './page-settings.js';
import { renderNotFoundPage } from './pages.js';
import { Resource } from './resource.js';
import { changedTimes, siteChange, standingGroups, type SiteChange } from './site-change.js';
import { everyGroup, siteGroups, type SiteGroup } from './site-groups.js';
import { siteInputs, type SiteInputs, type SiteOptions } from './site-inputs.js';
import { eagerResources, type Previous, type SiteResources } from './site-resources.js';
import { CONTENT_TYPES, paths, type Urls } from './urls.js';
import { variantCache, Variants } from './variants.js';

export { ARCHIVE_MAX_AGE } from './archive-pages.js';
export { hotArticles } from './hot-articles.js';
export type { SiteOptions } from './site-inputs.js';

/**
 * Bytes a Site's rendered feeds and list pages may hold, their gzip and brotli variants
 * included, unless SiteOptions.documentBytes says otherwise (`--document-cache`). The eager documents of the bench
 * corpora weigh ~59 MB (160 of them, the feeds 0.2-0.55 MB each) whatever the number of
 * articles; the ones readers poll stay, the rest are made again when asked for
 * (docs/performance.md, "Where the memory goes").
 */
export const DOCUMENT_BYTES = 16 << 20;
export type { Previous, SiteResources, Validator } from './site-resources.js';

/**
 * The whole URL space of one scan result: path → ready response. Built once per scan; the server
 * answers from it and the exporter writes it. Article pages (one per article, so possibly
 * 100,000) are rendered on first request and kept in a small LRU instead of all in memory.
 *
 * A Site is a value: what it answers depends on its own inputs only (the catalog, the options,
 * its clock and `previous`), and is the same whenever it is asked. Its caches change only how
 * soon the answer comes.
 */
export class Site {
  readonly resources: SiteResources;
  readonly notFound: Resource;
  private readonly routes: FeedRoutes;
  private readonly archives: ArchivePages;
  private readonly articles: ArticlePages;
  private readonly variants: Variants;
  /** Bounds the bytes `resources` hold; the next Site takes over what it still holds. */
  readonly budget: DocumentBudget;
  /** What may differ from the Site this one was made from; undefined when made whole. */
  readonly change: SiteChange | undefined;

  private constructor(
    private readonly inputs: SiteInputs,
    previous: Previous | undefined,
    /** The last Site, whose budget holds the bytes of what this one takes over. */
    last: Site | undefined,
    /** The Site this one is made from, and its groups whose outputs stand (standingGroups). */
    from?: { readonly site: Site; readonly standing: ReadonlySet<SiteGroup> },
  ) {
    const groups = everyGroup(inputs.groups);
    const change = inputs.catalog.change;
    this.routes = new FeedRoutes(
      groups,
      (id) => inputs.catalog.byId.get(id)!.date,
      inputs.options.limit,
      inputs.archivePageSize,
      from && change && { routes: from.site.routes, times: changedTimes(change) },
    );
    this.budget = new DocumentBudget(inputs.options.documentBytes ?? DOCUMENT_BYTES);
    this.resources = eagerResources(inputs, this.routes, this.budget, previous, from?.standing);
    if (last) this.budget.takeOver(last.budget, new Set(this.resources.values()));
    this.change =
      from &&
      change &&
      siteChange(
        {
          resources: from.site.resources,
          routes: from.site.routes,
          groups: everyGroup(from.site.inputs.groups),
        },
        { resources: this.resources, routes: this.routes, groups },
        from.standing,
        change,
        inputs.catalog.byId,
      );
    this.routes.forgetBefore();
    this.notFound = new Resource(
      '',
      CONTENT_TYPES.html,
      renderNotFoundPage(inputs.page),
      new Date(0),
      'not-found',
    );
    // Archive pages and query variants share one bounded cache.
    const cache = variantCache();
    this.archives = new ArchivePages(inputs, this.routes, cache);
    this.variants = new Variants(inputs, this.routes, cache);
    this.articles = new ArticlePages(inputs);
  }

  get catalog(): Catalog {
    return this.inputs.catalog;
  }

  get options(): SiteOptions {
    return this.inputs.options;
  }

  get builtAt(): Date {
    return this.inputs.builtAt;
  }

  get urls(): Urls {
    return this.inputs.urls;
  }

  get language(): string {
    return this.inputs.language;
  }

  /**
   * A Site whose feeds' bodies are loaded first (they may have been dropped from memory).
   * `previous`: what the outputs were before, the last Site's `resources` or validators restored
   * from the state file; unchanged outputs keep their bytes, ETag and Last-Modified. Given the
   * last Site itself, and a catalog updated from its catalog (Catalog.change), the new Site is
   * made from the change: the groups no article of it is in keep their outputs, unkeyed, and
   * `change` tells the export which paths to look at.
   */
  static async create(
    catalog: Catalog,
    options: SiteOptions,
    builtAt: Date,
    previous?: Previous | Site,
  ): Promise<Site> {
    const last = previous instanceof Site ? previous : undefined;
    const before = last ? last.resources : (previous as Previous | undefined);
    const basis = last && catalog.change?.base.deref() === last.catalog ? last : undefined;
    const groups = siteGroups(catalog, basis?.inputs.groups);
    await catalog.content.requireMany(hotArticles(catalog, options.limit, groups));
    const inputs = siteInputs(
      catalog,
      options,
      builtAt,
      groups,
      before?.fingerprints ?? new FingerprintMemo(),
    );
    const standing = basis && standingGroups(basis.inputs, inputs);
    return new Site(inputs, before, last, basis && standing && { site: basis, standing });
  }

  /** Every path of the site, eager and lazy, in a stable order. */
  *paths(): Iterable<string> {
    yield* this.documentPaths();
    for (const article of this.catalog.articles) yield paths.article(article.id);
  }

  /** The paths of `paths()` but the article pages: feeds, lists, archive pages, assets. */
  *documentPaths(): Iterable<string> {
    yield* this.resources.keys();
    yield* this.routes.archivePaths();
  }

  get size(): number {
    return this.resources.size + this.routes.archiveDocuments + this.catalog.articles.length;
  }

  /** What `get(path)` would be rendered from, without rendering it: equal keys, equal bytes. */
  keyOf(path: string): string | undefined {
    const eager = this.resources.get(path);
    if (eager) return eager.key;
    const archive = this.routes.archiveAt(path);
    if (archive) return this.archives.key(path, archive);
    const article = this.articles.at(path);
    return article && this.articles.key(article);
  }

  /**
   * The response at `path`, if it can be had without I/O: every feed and list page, and article
   * pages whose body is in memory. `load()` is the complete lookup. `keep`: false when the page
   * is rendered once to be written (the export): it is not kept in the Site's caches.
   */
  get(path: string, keep = true, archiveItems?: ArchiveItems): Resource | undefined {
    const eager = this.resources.get(path);
    if (eager) return eager;
    const archive = this.routes.archiveAt(path);
    if (archive) return this.archives.resource(path, archive, keep, archiveItems);
    const article = this.articles.at(path);
    const body = article && this.catalog.content.get(article.bodySource);
    return article && body !== undefined
      ? this.articles.page(path, article, body, keep)
      : undefined;
  }

  /**
   * The response at `path`, reading an article's body from its source file if needed.
   * `archiveItems`: an export's, shared by the archive pages it renders (ArchiveItems).
   */
  async load(
    path: string,
    keep = true,
    archiveItems?: ArchiveItems,
  ): Promise<Resource | undefined> {
    const ready = this.get(path, keep, archiveItems);
    if (ready) return ready;
    const article = this.articles.at(path);
    return (
      article &&
      this.articles.page(path, article, await this.catalog.content.require(article), keep)
    );
  }

  /**
   * `paths` in the order an export best renders them: archive pages last, newest period first
   * across all groups, so that an article's archived items are asked for again while its
   * ArchiveItems are still held. The formats of one page stay together.
   */
  inRenderingOrder(paths: readonly string[]): string[] {
    return this.routes.inRenderingOrder(paths);
  }

  /** What an article page needs besides the article (for rendering pages in a worker). */
  pageSettings(): PageSettings {
    return pageSettingsOf(this.inputs.page);
  }

  /** The article at an `/articles/<id>/` path. */
  article(path: string): Article | undefined {
    return this.articles.at(path);
  }

  /** Body sources of the articles some feed shows: the bodies worth keeping in memory. */
  hotContent(): Set<string> {
    return new Set(
      hotArticles(this.catalog, this.options.limit, this.inputs.groups).map((a) => a.bodySource),
    );
  }

  /**
   * A feed (current or archive page) answered for a query (see Variants.feed); undefined if
   * `path` is no feed.
   */
  feedVariant(
    path: string,
    query: FeedQuery,
    now = Date.now(),
    asked?: string,
  ): Resource | undefined {
    const source = this.routes.feedAt(path);
    const base = this.get(path);
    return source && base && this.variants.feed(path, source, base, query, now, asked);
  }

  /**
   * The filter scan `feedVariant` would run for this query, as a generator that yields every few
   * thousand articles (the server runs it in slices); undefined if there is none to run.
   */
  filterScan(path: string, query: FeedQuery, now: number): Generator<void, unknown> | undefined {
    const source = this.routes.feedAt(path);
    return source && this.variants.scan(path, source, query, now);
  }

  /**
   * The items of a current (not archive) feed, newest first, each with its fingerprint: what an
   * RFC 3229 delta compares between versions. Undefined if `path` is no current feed.
   */
  feedItems(path: string): { readonly id: string; readonly print: string }[] | undefined {
    const source = this.routes.feedAt(path);
    if (!source || isArchivePage(source)) return undefined;
    return source.group.articleIds
      .slice(0, this.options.limit)
      .map((id) => ({ id, print: this.inputs.prints.print(id) ?? id }));
  }

  /** A current feed listing only `ids` (an RFC 3229 delta): the feed's own metadata, no archive links. */
  feedWithOnly(path: string, ids: readonly string[]): Resource | undefined {
    const source = this.routes.feedAt(path);
    const base = this.get(path);
    if (!source || !base || isArchivePage(source)) return undefined;
    const spec = feedSpec(this.inputs, source.group, ids);
    return new Resource(
      path,
      base.contentType,
      renderFeed(source.format, spec, false),
      base.lastModified,
      `${base.key}|only|${shortHash(ids.join(','))}`,
    );
  }

  /** An HTML page with its text converted (`?opencc=`), made once per Site and variant. */
  async pageVariant(path: string, variant: OpenccVariant): Promise<Resource | undefined> {
    const base = await this.load(path);
    if (!base || base.isFeed) return undefined;
    return this.variants.convertedPage(base, `${path}?opencc=${variant}`, variant);
  }

  /** The results page of `/?q=` (server only), cached per normalized query. */
  search(q: string, variant?: OpenccVariant): Resource {
    return this.variants.search(q, variant);
  }
}
