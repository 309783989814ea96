import { createHash } from 'node:crypto';
import type { Article, Catalog, Category } from '../model.js';
import { newestUpdate, toFeedItem, type FeedSpec } from './feed-model.js';
import { renderJsonFeed } from './json-feed.js';
import { detectLanguage } from './language.js';
import { renderOpml } from './opml.js';
import { renderArticlePage, renderCategoryPage, renderIndexPage, renderNotFoundPage, type PageContext } from './pages.js';
import type { PageSettings } from '../ingest/parse-worker.js';
import { Resource, wholeSeconds } from './resource.js';
import { CONTENT_TYPES, paths, Urls, type FeedFormat } from './urls.js';
import { renderAtom, renderRss } from './xml-feeds.js';

export interface SiteOptions {
  readonly baseUrl: string;
  readonly siteTitle: string;
  readonly language?: string;
  readonly icon?: string;
  /** Most items in one feed. */
  readonly limit: number;
}

/** What is known of a path from before: the last Site's Resource, or validators from the state file. */
export interface Validator {
  readonly key: string;
  readonly etag: string;
  readonly lastModified: Date;
}

/** What the previous scan knew, so unchanged outputs keep their bytes, ETag and Last-Modified. */
export type Previous = ReadonlyMap<string, Validator | Resource>;

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];
/** Bump when templates change, so exports and restored validators are not reused across versions. */
const RENDERER_VERSION = 2;
const RENDER: Record<FeedFormat, (spec: FeedSpec) => string> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };
const NEWEST_ON_INDEX = 30;
/** A category page lists its newest articles; its feeds and the article pages carry the rest. */
const ARTICLES_ON_CATEGORY_PAGE = 200;
const LAZY_CACHE_SIZE = 500;

/** The articles some feed shows: the newest `limit` of all, and of each category. */
export function hotArticles(catalog: Catalog, limit: number): Article[] {
  const hot = new Set(catalog.articles.slice(0, limit));
  for (const category of catalog.categories) for (const id of category.articleIds.slice(0, limit)) hot.add(catalog.byId.get(id)!);
  return [...hot];
}

/**
 * Fingerprints by article object (an unchanged article is the same object from scan to scan),
 * with the time this version of the article's page was first rendered: its Last-Modified.
 */
const fingerprints = new WeakMap<Article, { context: string; print: string; since: Date }>();

/** Everything that shapes an article's appearance in a feed, a list or its page, as one short string. */
function fingerprint(article: Article, slugs: ReadonlyMap<string, string>, context: string, now: Date) {
  const known = fingerprints.get(article);
  if (known && known.context === context) return known;
  const entry = { context, print: computeFingerprint(article, slugs), since: now };
  fingerprints.set(article, entry);
  return entry;
}

const shortHash = (text: string) => createHash('sha1').update(text).digest('base64url');

function computeFingerprint(article: Article, slugs: ReadonlyMap<string, string>): string {
  return createHash('sha1')
    .update(
      JSON.stringify([
        article.guid, article.contentHash, article.title, article.link, article.date.getTime(), article.updated.getTime(),
        article.author, article.image, article.summary, article.categories.map((c) => [c, slugs.get(c)]), article.tags, article.sources, article.bodySource,
      ]),
    )
    .digest('base64url');
}

/**
 * The whole URL space of one scan result: path → ready response. Built once per scan; the server
 * answers from it and the exporter writes it. Article pages (one per article, so possibly
 * 100,000) are rendered on first request and kept in a small LRU instead of all in memory.
 */
export class Site {
  readonly resources = new Map<string, Resource>();
  readonly urls: Urls;
  readonly language: string;
  readonly notFound: Resource;
  private readonly ctx: PageContext;
  private readonly slugs: Map<string, string>;
  private readonly prints = new Map<string, string>();
  /** Feed path → what it is rendered from, for `?limit=N` variants. */
  private readonly feeds = new Map<string, { category: Category | undefined; ids: readonly string[]; format: FeedFormat }>();
  private readonly lazy = new Map<string, Resource>();
  private readonly pageSince = new Map<string, Date>();
  private readonly settings: string;

  constructor(
    readonly catalog: Catalog,
    readonly options: SiteOptions,
    readonly builtAt: Date,
    previous?: Previous,
  ) {
    this.urls = new Urls(options.baseUrl);
    this.language = options.language ?? detectLanguage(catalog.articles);
    this.slugs = new Map(catalog.categories.map((c) => [c.name, c.slug]));
    this.ctx = { siteTitle: options.siteTitle, language: this.language, urls: this.urls, slugs: this.slugs };
    this.settings = shortHash(JSON.stringify([RENDERER_VERSION, options.baseUrl, options.siteTitle, this.language, options.icon, options.limit]));
    for (const a of catalog.articles) {
      // What else shapes the article's outputs: the settings, and the slugs of its own categories.
      const context = `${this.settings}|${a.categories.map((c) => this.slugs.get(c)).join('\0')}`;
      const entry = fingerprint(a, this.slugs, context, builtAt);
      this.prints.set(a.id, entry.print);
      this.pageSince.set(a.id, entry.since);
    }

    const add = (path: string, contentType: string, key: string, render: () => string) => {
      const fullKey = shortHash(`${this.settings}|${key}`);
      const old = previous?.get(path);
      if (old instanceof Resource && old.key === fullKey) {
        this.resources.set(path, old);
        return;
      }
      const fresh = new Resource(path, contentType, render(), wholeSeconds(builtAt), fullKey);
      // Same bytes as before (a restart, or a change that shows nowhere): keep the old date.
      this.resources.set(path, old && old.etag === fresh.etag ? fresh.withLastModified(old.lastModified) : fresh);
    };

    const keyOf = (ids: readonly string[]) => ids.map((id) => this.prints.get(id)).join(',');
    const allIds = catalog.articles.map((a) => a.id);
    this.addFeeds(add, undefined, allIds, keyOf);
    add(paths.index, CONTENT_TYPES.html, `index|${keyOf(allIds.slice(0, NEWEST_ON_INDEX))}|${this.categoriesKey()}|${allIds.length}`, () =>
      renderIndexPage(this.ctx, { categories: catalog.categories, newest: catalog.articles.slice(0, NEWEST_ON_INDEX), total: catalog.articles.length }),
    );
    for (const category of catalog.categories) {
      this.addFeeds(add, category, category.articleIds, keyOf);
      const listed = category.articleIds.slice(0, ARTICLES_ON_CATEGORY_PAGE);
      add(paths.category(category.slug), CONTENT_TYPES.html, `category|${category.name}|${category.articleIds.length}|${keyOf(listed)}`, () =>
        renderCategoryPage(this.ctx, { category, articles: listed.map((id) => catalog.byId.get(id)!) }),
      );
    }
    add(paths.opml, CONTENT_TYPES.opml, `opml|${this.categoriesKey()}|${this.newestTime(allIds)}`, () =>
      renderOpml({ siteTitle: options.siteTitle, categories: catalog.categories, updated: new Date(this.newestTime(allIds)), urls: this.urls }),
    );
    this.notFound = new Resource('', CONTENT_TYPES.html, renderNotFoundPage(this.ctx), new Date(0), 'not-found');
  }

  private categoriesKey(): string {
    return this.catalog.categories.map((c) => `${c.name}:${c.slug}:${c.articleIds.length}`).join('|');
  }

  private newestTime(ids: readonly string[]): number {
    const first = ids[0] ? this.catalog.byId.get(ids[0]) : undefined;
    return first ? first.date.getTime() : 0;
  }

  private feedSpec(category: Category | undefined, ids: readonly string[], limit: number): FeedSpec {
    const { siteTitle, icon } = this.options;
    const page = category ? paths.category(category.slug) : paths.index;
    const feedPath = (f: FeedFormat) => (category ? paths.categoryFeed(category.slug, f) : paths.feed(f));
    const items = ids.slice(0, limit).map((id) => {
      const article = this.catalog.byId.get(id)!;
      const body = this.catalog.content.get(article.bodySource);
      if (body === undefined) throw new Error(`the body of ${article.id} is not loaded: build Sites with Site.create()`);
      return toFeedItem(article, body, this.slugs, this.urls);
    });
    return {
      title: category ? `${siteTitle} — ${category.name}` : `${siteTitle} — all articles`,
      description: category ? `Articles in the category “${category.name}”, newest first.` : 'All articles, newest first.',
      homePage: this.urls.absolute(page),
      selfUrls: { rss: this.urls.absolute(feedPath('rss')), atom: this.urls.absolute(feedPath('atom')), json: this.urls.absolute(feedPath('json')) },
      language: this.language,
      icon,
      items,
      updated: items.length ? newestUpdate(items) : new Date(0),
    };
  }

  private addFeeds(
    add: (path: string, type: string, key: string, render: () => string) => void,
    category: Category | undefined,
    ids: readonly string[],
    keyOf: (ids: readonly string[]) => string,
  ): void {
    const limit = this.options.limit;
    const key = `feed|${category?.name ?? ''}|${keyOf(ids.slice(0, limit))}`;
    let spec: FeedSpec | undefined;
    for (const format of FORMATS) {
      const path = category ? paths.categoryFeed(category.slug, format) : paths.feed(format);
      this.feeds.set(path, { category, ids, format });
      add(path, CONTENT_TYPES[format], `${format}|${key}`, () => RENDER[format]((spec ??= this.feedSpec(category, ids, limit))));
    }
  }

  /** Every path of the site, eager and lazy, in a stable order. */
  *paths(): Iterable<string> {
    yield* this.resources.keys();
    for (const article of this.catalog.articles) yield paths.article(article.id);
  }

  get size(): number {
    return this.resources.size + this.catalog.articles.length;
  }

  private articleAt(path: string): Article | undefined {
    const id = /^\/articles\/([0-9a-z]+)\/$/.exec(path)?.[1];
    return id === undefined ? undefined : this.catalog.byId.get(id);
  }

  /** What `get(path)` would be rendered from, without rendering it: equal keys, equal bytes. */
  keyOf(path: string): string | undefined {
    const eager = this.resources.get(path);
    if (eager) return eager.key;
    const article = this.articleAt(path);
    return article && `${this.settings}|${this.prints.get(article.id)}`;
  }

  /**
   * The response at `path`, if it can be had without I/O: every feed and list page, and article
   * pages whose body is in memory. `load()` is the complete lookup.
   */
  get(path: string): Resource | undefined {
    const eager = this.resources.get(path);
    if (eager) return eager;
    const article = this.articleAt(path);
    const body = article && this.catalog.content.get(article.bodySource);
    return article && body !== undefined ? this.articlePage(path, article, body) : undefined;
  }

  /** The response at `path`, reading an article's body from its source file if needed. */
  async load(path: string): Promise<Resource | undefined> {
    const ready = this.get(path);
    if (ready) return ready;
    const article = this.articleAt(path);
    return article && this.articlePage(path, article, await this.catalog.content.require(article));
  }

  private articlePage(path: string, article: Article, body: string): Resource {
    let page = this.lazy.get(path);
    if (page) {
      this.lazy.delete(path);
    } else {
      // Last-Modified moves whenever the page's bytes may have (a renamed category, new settings),
      // not only when the article was updated: a stale 304 would be worse than a spare 200.
      const since = this.pageSince.get(article.id)!;
      const lastModified = wholeSeconds(since > article.updated ? since : article.updated);
      page = new Resource(path, CONTENT_TYPES.html, renderArticlePage(this.ctx, article, body), lastModified, this.keyOf(path)!);
      if (this.lazy.size >= LAZY_CACHE_SIZE) this.lazy.delete(this.lazy.keys().next().value!);
    }
    this.lazy.set(path, page);
    return page;
  }

  /** What an article page needs besides the article (for rendering pages in a worker). */
  pageSettings(): PageSettings {
    return { siteTitle: this.options.siteTitle, language: this.language, baseUrl: this.urls.base, slugs: [...this.slugs] };
  }

  /** The article at an `/articles/<id>/` path. */
  article(path: string): Article | undefined {
    return this.articleAt(path);
  }

  /** Body sources of the articles some feed shows: the bodies worth keeping in memory. */
  hotContent(): Set<string> {
    return new Set(hotArticles(this.catalog, this.options.limit).map((a) => a.bodySource));
  }

  /** A Site whose feeds' bodies are loaded first (they may have been dropped from memory). */
  static async create(catalog: Catalog, options: SiteOptions, builtAt: Date, previous?: Previous): Promise<Site> {
    await catalog.content.requireMany(hotArticles(catalog, options.limit));
    return new Site(catalog, options, builtAt, previous);
  }

  /** A feed cut to fewer items (`?limit=N`), rendered on demand; undefined if `path` is no feed. */
  limited(path: string, limit: number): Resource | undefined {
    const feed = this.feeds.get(path);
    const full = this.resources.get(path);
    if (!feed || !full) return undefined;
    if (limit >= this.options.limit || limit >= feed.ids.length) return full;
    const cacheKey = `${path}?limit=${limit}`;
    let resource = this.lazy.get(cacheKey);
    if (!resource) {
      const spec = this.feedSpec(feed.category, feed.ids, limit);
      resource = new Resource(path, full.contentType, RENDER[feed.format](spec), full.lastModified, cacheKey);
      if (this.lazy.size >= LAZY_CACHE_SIZE) this.lazy.delete(this.lazy.keys().next().value!);
      this.lazy.set(cacheKey, resource);
    }
    return resource;
  }
}
