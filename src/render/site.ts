import { createHash } from 'node:crypto';
import type { Article, Catalog } from '../model.js';
import { renderAtomArchive, renderRssArchive } from './archive-xml.js';
import { archiveLayout, archivePageIds, DEFAULT_ARCHIVE_PAGE_SIZE, isFullPage, type ArchiveLayout } from './archive.js';
import { ResourceLru } from './byte-lru.js';
import { newestUpdate, toFeedItem, type FeedHistory, type FeedSpec } from './feed-model.js';
import { passes, type FeedQuery } from './filters.js';
import { allGroup, authorGroups, categoryGroups, tagGroups, type FeedGroup } from '../catalog/groups.js';
import { renderJsonFeed } from './json-feed.js';
import { detectLanguage } from './language.js';
import { converter, convertFeedSpec, convertHtmlText, type OpenccVariant } from './opencc.js';
import { renderOpml } from './opml.js';
import {
  renderArticlePage, renderCategoryPage, renderGroupPage, renderIndexPage, renderNotFoundPage, renderSearchPage, type GroupLink, type PageContext,
} from './pages.js';
import type { PageSettings } from '../workers/worker.js';
import { Resource, wholeSeconds } from './resource.js';
import { normalizeQuery, searchArticles } from './search.js';
import { CONTENT_TYPES, FEED_FILES, paths, Urls, type FeedFormat } from './urls.js';
import { renderAtom, renderRss } from './xml-feeds.js';

export interface SiteOptions {
  readonly baseUrl: string;
  readonly siteTitle: string;
  readonly language?: string;
  readonly icon?: string;
  /** The WebSub hub every feed advertises, if any. */
  readonly hubUrl?: string;
  /** Most items in one feed. */
  readonly limit: number;
  /** Articles per RFC 5005 archive page (default 100). */
  readonly archivePageSize?: number;
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
const RENDERER_VERSION = 5;
const RENDER: Record<FeedFormat, (spec: FeedSpec) => string> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };
/** Archive pages carry no bodies; their XML is written directly (see archive-xml.ts). */
const RENDER_ARCHIVE: Record<FeedFormat, (spec: FeedSpec) => string> = { rss: renderRssArchive, atom: renderAtomArchive, json: renderJsonFeed };
const NEWEST_ON_INDEX = 30;
/** A category page lists its newest articles; its feeds and the article pages carry the rest. */
const ARTICLES_ON_CATEGORY_PAGE = 200;
const LAZY_CACHE_SIZE = 500;
/** Request-made variants (filters, `?opencc=`, archive pages, searches) kept per Site. */
const VARIANT_CACHE = { entries: 2000, bytes: 64 << 20 };
/** A full archive page changes only if an article older than it is added or removed. */
export const ARCHIVE_MAX_AGE = 86_400;
/** Tags and authors listed on the index (all of them have pages and feeds). */
const GROUPS_ON_INDEX = 100;
const NO_ARCHIVE: ArchiveLayout = { archived: 0, pages: 0 };
const FORMAT_OF_FILE = new Map(Object.entries(FEED_FILES).map(([format, file]) => [file, format as FeedFormat]));

/** Tag and author groups of a catalog, computed once (hotArticles and the Site both need them). */
const extraGroupCache = new WeakMap<Catalog, { tags: FeedGroup[]; authors: FeedGroup[] }>();
function extraGroups(catalog: Catalog): { tags: FeedGroup[]; authors: FeedGroup[] } {
  let groups = extraGroupCache.get(catalog);
  if (!groups) extraGroupCache.set(catalog, (groups = { tags: tagGroups(catalog), authors: authorGroups(catalog) }));
  return groups;
}

/** The articles some feed shows: the newest `limit` of all, and of each category, tag and author. */
export function hotArticles(catalog: Catalog, limit: number): Article[] {
  const hot = new Set(catalog.articles.slice(0, limit));
  const { tags, authors } = extraGroups(catalog);
  for (const group of [...catalog.categories, ...tags, ...authors]) for (const id of group.articleIds.slice(0, limit)) hot.add(catalog.byId.get(id)!);
  return [...hot];
}

const GROUP_TEXT: Record<FeedGroup['kind'], (site: string, name: string) => { title: string; description: string; heading: string }> = {
  all: (site) => ({ title: `${site} — all articles`, description: 'All articles, newest first.', heading: site }),
  category: (site, name) => ({ title: `${site} — ${name}`, description: `Articles in the category “${name}”, newest first.`, heading: name }),
  tag: (site, name) => ({ title: `${site} — tag ${name}`, description: `Articles tagged “${name}”, newest first.`, heading: `Tag: ${name}` }),
  author: (site, name) => ({ title: `${site} — by ${name}`, description: `Articles by ${name}, newest first.`, heading: `Author: ${name}` }),
};

/** Where a feed path points: a group's current feed, or one of its archive pages. */
interface FeedSource {
  readonly group: FeedGroup;
  readonly format: FeedFormat;
  readonly archivePage?: number;
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
  /** Current feed path → what it is rendered from, for query variants. */
  private readonly feeds = new Map<string, FeedSource>();
  /** Group page path → the group and its archive layout. */
  private readonly groups = new Map<string, { group: FeedGroup; layout: ArchiveLayout }>();
  private readonly archivePageSize: number;
  private lastArchiveSpec?: { readonly group: FeedGroup; readonly page: number; readonly spec: FeedSpec };
  private readonly lazy = new Map<string, Resource>();
  /** Archive pages, `?opencc=` and filtered variants, searches: made on demand, kept within bounds. */
  private readonly variants = new ResourceLru(VARIANT_CACHE.entries, VARIANT_CACHE.bytes);
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
    this.archivePageSize = options.archivePageSize ?? DEFAULT_ARCHIVE_PAGE_SIZE;
    this.settings = shortHash(
      JSON.stringify([RENDERER_VERSION, options.baseUrl, options.siteTitle, this.language, options.icon, options.limit, options.hubUrl, this.archivePageSize]),
    );
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
    const all = allGroup(catalog);
    const allIds = all.articleIds;
    const { tags, authors } = extraGroups(catalog);
    const listedGroups = (groups: readonly FeedGroup[]): GroupLink[] =>
      [...groups].sort((a, b) => b.articleIds.length - a.articleIds.length).slice(0, GROUPS_ON_INDEX).map((g) => ({ name: g.name, page: g.page, count: g.articleIds.length }));
    const indexTags = listedGroups(tags);
    const indexAuthors = listedGroups(authors);
    const groupsKey = JSON.stringify([indexTags, indexAuthors]);
    this.addFeeds(add, all, keyOf);
    add(paths.index, CONTENT_TYPES.html, `index|${keyOf(allIds.slice(0, NEWEST_ON_INDEX))}|${this.categoriesKey()}|${allIds.length}|${groupsKey}`, () =>
      renderIndexPage(this.ctx, {
        categories: catalog.categories, newest: catalog.articles.slice(0, NEWEST_ON_INDEX), total: catalog.articles.length, tags: indexTags, authors: indexAuthors,
      }),
    );
    const categories = categoryGroups(catalog);
    catalog.categories.forEach((category, i) => {
      this.addFeeds(add, categories[i]!, keyOf);
      const listed = category.articleIds.slice(0, ARTICLES_ON_CATEGORY_PAGE);
      add(paths.category(category.slug), CONTENT_TYPES.html, `category|${category.name}|${category.articleIds.length}|${keyOf(listed)}`, () =>
        renderCategoryPage(this.ctx, { category, articles: listed.map((id) => catalog.byId.get(id)!) }),
      );
    });
    for (const group of [...tags, ...authors]) {
      this.addFeeds(add, group, keyOf);
      const listed = group.articleIds.slice(0, ARTICLES_ON_CATEGORY_PAGE);
      const text = GROUP_TEXT[group.kind](options.siteTitle, group.name);
      add(group.page, CONTENT_TYPES.html, `${group.kind}|${group.name}|${group.articleIds.length}|${keyOf(listed)}`, () =>
        renderGroupPage(this.ctx, { heading: text.heading, title: text.title, page: group.page, count: group.articleIds.length, articles: listed.map((id) => catalog.byId.get(id)!) }),
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

  /**
   * One feed document of a group: its current feed (`archivePage` undefined) or an archive page.
   * Current feeds carry bodies (they are in memory); archive pages carry each article's summary
   * and link only, so that no body has to be read to render the whole history.
   */
  private feedSpec(group: FeedGroup, ids: readonly string[], archivePage?: number, history?: FeedHistory): FeedSpec {
    const { siteTitle, icon } = this.options;
    const feedPath = (f: FeedFormat) => (archivePage === undefined ? paths.groupFeed(group.page, f) : paths.archive(group.page, archivePage, f));
    const items = ids.map((id) => {
      const article = this.catalog.byId.get(id)!;
      if (archivePage !== undefined) return toFeedItem(article, '', this.slugs, this.urls);
      const body = this.catalog.content.get(article.bodySource);
      if (body === undefined) throw new Error(`the body of ${article.id} is not loaded: build Sites with Site.create()`);
      return toFeedItem(article, body, this.slugs, this.urls);
    });
    const text = GROUP_TEXT[group.kind](siteTitle, group.name);
    return {
      title: archivePage === undefined ? text.title : `${text.title} (archive ${archivePage})`,
      description: text.description,
      homePage: this.urls.absolute(group.page),
      selfUrls: { rss: this.urls.absolute(feedPath('rss')), atom: this.urls.absolute(feedPath('atom')), json: this.urls.absolute(feedPath('json')) },
      language: this.language,
      icon,
      // Archive pages are no WebSub topics (they do not change), so they name no hub.
      hub: archivePage === undefined ? this.options.hubUrl : undefined,
      items,
      updated: items.length ? newestUpdate(items) : new Date(0),
      ...(history ? { history } : {}),
    };
  }

  private feedUrls(page: string, archivePage: number): Record<FeedFormat, string> {
    const url = (f: FeedFormat) => this.urls.absolute(paths.archive(page, archivePage, f));
    return { rss: url('rss'), atom: url('atom'), json: url('json') };
  }

  /** RFC 5005 §4 links: the current feed points to the newest archive page; each page to its neighbours. */
  private history(group: FeedGroup, layout: ArchiveLayout, archivePage?: number): FeedHistory | undefined {
    if (archivePage === undefined) return layout.pages ? { archive: false, prevArchive: this.feedUrls(group.page, layout.pages - 1) } : undefined;
    const current = (f: FeedFormat) => this.urls.absolute(paths.groupFeed(group.page, f));
    return {
      archive: true,
      current: { rss: current('rss'), atom: current('atom'), json: current('json') },
      ...(archivePage > 0 ? { prevArchive: this.feedUrls(group.page, archivePage - 1) } : {}),
      ...(archivePage + 1 < layout.pages ? { nextArchive: this.feedUrls(group.page, archivePage + 1) } : {}),
    };
  }

  private addFeeds(add: (path: string, type: string, key: string, render: () => string) => void, group: FeedGroup, keyOf: (ids: readonly string[]) => string): void {
    const limit = this.options.limit;
    // Authors' feeds have no archive: their history is in the all-articles archive, and rendering
    // it again would cost a quarter more of archive pages on every cold build.
    const layout = group.kind === 'author' ? NO_ARCHIVE : archiveLayout(group.articleIds.length, limit, this.archivePageSize);
    this.groups.set(group.page, { group, layout });
    const ids = group.articleIds.slice(0, limit);
    const key = `feed|${group.kind}|${group.name}|${keyOf(ids)}|${layout.pages}`;
    let spec: FeedSpec | undefined;
    for (const format of FORMATS) {
      const path = paths.groupFeed(group.page, format);
      this.feeds.set(path, { group, format });
      add(path, CONTENT_TYPES[format], `${format}|${key}`, () => RENDER[format]((spec ??= this.feedSpec(group, ids, undefined, this.history(group, layout)))));
    }
  }

  /** The archive page at `path` (`<group page>archive/<n>/<feed file>`), if there is one. */
  private archiveAt(path: string): (FeedSource & { archivePage: number; layout: ArchiveLayout }) | undefined {
    const m = /^(\/(?:[^/]+\/[^/]+\/)?)archive\/(0|[1-9]\d{0,8})\/([a-z]+\.[a-z]+)$/.exec(path);
    const known = m && this.groups.get(m[1]!);
    const format = m && FORMAT_OF_FILE.get(m[3]!);
    if (!known || !format) return undefined;
    const archivePage = Number(m[2]);
    return archivePage < known.layout.pages ? { group: known.group, format, archivePage, layout: known.layout } : undefined;
  }

  private archiveIds(source: { group: FeedGroup; archivePage: number; layout: ArchiveLayout }): readonly string[] {
    return archivePageIds(source.group.articleIds, source.layout, source.archivePage, this.archivePageSize);
  }

  private archiveKey(path: string, source: FeedSource & { archivePage: number; layout: ArchiveLayout }): string {
    const ids = this.archiveIds(source);
    const next = source.archivePage + 1 < source.layout.pages;
    const { group, format, archivePage } = source;
    return shortHash(`${this.settings}|archive|${format}|${group.kind}|${group.name}|${path}|${archivePage}|${next}|${ids.map((id) => this.prints.get(id)).join(',')}`);
  }

  /**
   * One spec serves the three formats of an archive page: they are asked for one after the other
   * (the export walks every page's formats in a row), so the last spec is kept.
   */
  private archiveSpec(source: FeedSource & { archivePage: number; layout: ArchiveLayout }, ids: readonly string[]): FeedSpec {
    const last = this.lastArchiveSpec;
    if (last && last.group === source.group && last.page === source.archivePage) return last.spec;
    const spec = this.feedSpec(source.group, ids, source.archivePage, this.history(source.group, source.layout, source.archivePage));
    this.lastArchiveSpec = { group: source.group, page: source.archivePage, spec };
    return spec;
  }

  private archiveResource(path: string, source: FeedSource & { archivePage: number; layout: ArchiveLayout }): Resource {
    const key = this.archiveKey(path, source);
    const cached = this.variants.get(path);
    if (cached && cached.key === key) return cached;
    const ids = this.archiveIds(source);
    const spec = this.archiveSpec(source, ids);
    // Last-Modified moves when the bytes may have: an item updated, or its rendering changed.
    let newest = spec.updated.getTime();
    for (const id of ids) newest = Math.max(newest, this.pageSince.get(id)!.getTime());
    const full = isFullPage(source.layout, source.archivePage, this.archivePageSize);
    const resource = new Resource(path, CONTENT_TYPES[source.format], RENDER_ARCHIVE[source.format](spec), wholeSeconds(new Date(ids.length ? newest : this.builtAt.getTime())), key, full ? ARCHIVE_MAX_AGE : undefined);
    return this.variants.set(path, resource);
  }

  /** Every path of the site, eager and lazy, in a stable order. */
  *paths(): Iterable<string> {
    yield* this.resources.keys();
    for (const { group, layout } of this.groups.values()) {
      for (let n = 0; n < layout.pages; n++) for (const format of FORMATS) yield paths.archive(group.page, n, format);
    }
    for (const article of this.catalog.articles) yield paths.article(article.id);
  }

  get size(): number {
    let archives = 0;
    for (const { layout } of this.groups.values()) archives += layout.pages * FORMATS.length;
    return this.resources.size + archives + this.catalog.articles.length;
  }

  private articleAt(path: string): Article | undefined {
    const id = /^\/articles\/([0-9a-z]+)\/$/.exec(path)?.[1];
    return id === undefined ? undefined : this.catalog.byId.get(id);
  }

  /** What `get(path)` would be rendered from, without rendering it: equal keys, equal bytes. */
  keyOf(path: string): string | undefined {
    const eager = this.resources.get(path);
    if (eager) return eager.key;
    const archive = this.archiveAt(path);
    if (archive) return this.archiveKey(path, archive);
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
    const archive = this.archiveAt(path);
    if (archive) return this.archiveResource(path, archive);
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
    return this.feedVariant(path, { limit, include: [], exclude: [], key: `limit=${limit}`, filters: false });
  }

  /**
   * A feed (current or archive page) answered for a query: filters select among its items, then
   * `limit` cuts, then `?opencc=` converts. The item selection is made per request (filter_time
   * depends on the clock) but each distinct result is rendered once and cached with its own ETag.
   * A cut or filtered feed has no archive links: the archive continues the whole feed, not a part.
   * Undefined if `path` is no feed.
   */
  feedVariant(path: string, query: FeedQuery, now = Date.now()): Resource | undefined {
    const archive = this.archiveAt(path);
    const source = archive ?? this.feeds.get(path);
    const base = this.get(path);
    if (!source || !base) return undefined;
    const { group } = source;
    const known = this.groups.get(group.page)!;
    const all = archive ? this.archiveIds(archive) : group.articleIds.slice(0, this.options.limit);
    let ids = query.filters ? all.filter((id) => passes(query, this.catalog.byId.get(id)!, now)) : all;
    if (query.limit !== undefined) ids = ids.slice(0, query.limit);
    const cut = ids.length !== all.length;
    if (!cut && !query.opencc) return base;

    const cacheKey = `${path}?opencc=${query.opencc ?? ''}${cut ? `&items=${shortHash(ids.join(','))}` : ''}`;
    const cached = this.variants.get(cacheKey);
    if (cached) return cached;
    let history = cut ? undefined : this.history(group, known.layout, archive?.archivePage);
    if (history && query.opencc) history = withQuery(history, `opencc=${query.opencc}`);
    let spec = this.feedSpec(group, ids, archive?.archivePage, history);
    // The variant's own address is its self link (JSON Feed's feed_url): the URL that was asked for.
    // It names no hub: the hub takes only the plain feeds as topics.
    const self = spec.selfUrls;
    spec = { ...spec, hub: undefined, selfUrls: { rss: `${self.rss}?${query.key}`, atom: `${self.atom}?${query.key}`, json: `${self.json}?${query.key}` } };
    if (query.opencc) spec = convertFeedSpec(spec, converter(query.opencc));
    const resource = new Resource(path, base.contentType, (archive ? RENDER_ARCHIVE : RENDER)[source.format](spec), base.lastModified, cacheKey, cut ? undefined : base.maxAge);
    return this.variants.set(cacheKey, resource);
  }

  /** An HTML page with its text converted (`?opencc=`), made once per Site and variant. */
  async pageVariant(path: string, variant: OpenccVariant): Promise<Resource | undefined> {
    const base = await this.load(path);
    if (!base || base.isFeed) return undefined;
    return this.convertedPage(base, `${path}?opencc=${variant}`, variant);
  }

  private convertedPage(base: Resource, cacheKey: string, variant: OpenccVariant): Resource {
    const cached = this.variants.get(cacheKey);
    if (cached && cached.key === `${base.key}|${variant}`) return cached;
    const converted = convertHtmlText(new TextDecoder().decode(base.body), converter(variant));
    return this.variants.set(cacheKey, new Resource(base.path, base.contentType, converted, base.lastModified, `${base.key}|${variant}`));
  }

  /** The results page of `/?q=` (server only), cached per normalized query. */
  search(q: string, variant?: OpenccVariant): Resource {
    const normalized = normalizeQuery(q);
    const cacheKey = `search?${normalized}`;
    let page = this.variants.get(cacheKey);
    if (!page) {
      const { results, total } = searchArticles(this.catalog.articles, normalized);
      const newest = results.reduce((t, a) => Math.max(t, a.updated.getTime(), this.pageSince.get(a.id)!.getTime()), 0);
      const body = renderSearchPage(this.ctx, { q: normalized, results, total });
      page = this.variants.set(cacheKey, new Resource(paths.index, CONTENT_TYPES.html, body, wholeSeconds(new Date(newest || this.builtAt.getTime())), cacheKey));
    }
    return variant ? this.convertedPage(page, `${cacheKey}&opencc=${variant}`, variant) : page;
  }
}

/** History links of a variant: the same documents, asked for with the same query. */
function withQuery(history: FeedHistory, query: string): FeedHistory {
  const add = (urls: Record<FeedFormat, string> | undefined) =>
    urls && { rss: `${urls.rss}?${query}`, atom: `${urls.atom}?${query}`, json: `${urls.json}?${query}` };
  return { archive: history.archive, current: add(history.current), prevArchive: add(history.prevArchive), nextArchive: add(history.nextArchive) };
}
