import type { Article } from '../model.js';
import { escapeHtml, stripXmlIllegal } from '../parse/text.js';
import type { Urls } from './urls.js';
import { paths, type FeedFormat } from './urls.js';
import { summaryOf } from '../catalog/summary-ref.js';

/** One feed, format-independent: what RSS, Atom and JSON Feed are each rendered from. */
export interface FeedSpec {
  readonly title: string;
  readonly description: string;
  /** The HTML page this feed belongs to (absolute URL). */
  readonly homePage: string;
  readonly selfUrls: Record<FeedFormat, string>;
  readonly language: string;
  readonly icon?: string;
  /** The WebSub hub the feed advertises (`rel="hub"`), if any. */
  readonly hub?: string;
  /** Who publishes the feed (the site's title): Atom's feed-level author for entries without one. */
  readonly owner?: string;
  /** Newest first, at most the configured limit. */
  readonly items: readonly FeedItem[];
  /** Newest item's updated time; a fixed epoch for an empty feed. Never "now". */
  readonly updated: Date;
  /** RFC 5005 archive links (render/history-links.ts); absent on filtered or cut feeds. */
  readonly history?: FeedHistory;
}

/** RFC 5005 §4 links of one feed document, each in the three formats. */
export interface FeedHistory {
  /** An archive document (`fh:archive`), not the current feed. */
  readonly archive: boolean;
  readonly current?: Record<FeedFormat, string>;
  /** The next older archive page. */
  readonly prevArchive?: Record<FeedFormat, string>;
  /** The next newer archive page. */
  readonly nextArchive?: Record<FeedFormat, string>;
}

export interface FeedItem {
  readonly guid: string;
  readonly title: string;
  readonly url: string;
  readonly externalUrl?: string;
  /** Milliseconds since the epoch (UTC), as the article's: each writer makes the `Date` it prints. */
  readonly published: number;
  readonly updated: number;
  readonly author?: string;
  readonly categories: ReadonlyArray<{
    readonly name: string;
    readonly slug: string;
    readonly url: string;
  }>;
  readonly image?: string;
  readonly summary: string;
  /** '' for an archived item: it carries its summary and link only. */
  readonly contentHtml: string;
}

/**
 * Most characters of HTML one feed item carries (a long book chapter is ~150,000). A body past it
 * goes into feeds as its summary and a link to the article's page, which has all of it: a feed
 * holds many items in three formats, is rebuilt on the serving thread at every scan and is fetched
 * whole by every reader, so one 20 MB body (a 5 MB seed can expand to that) must not ride in it.
 */
export const FEED_BODY_LIMIT = 256 * 1024;

function feedBody(article: Article, contentHtml: string, urls: Urls): string {
  if (contentHtml.length <= FEED_BODY_LIMIT) return contentHtml;
  const page = escapeHtml(urls.absolute(paths.article(article.id)));
  const size = Math.round(contentHtml.length / 1024).toLocaleString('en');
  return `<p>${escapeHtml(summaryOf(article))}</p>\n<p><a href="${page}">Read the whole article (${size} KB) on its page.</a></p>`;
}

/** The author a feed item names, if any: cleaned like every text field. */
export function itemAuthor(article: Article): string | undefined {
  return article.author === undefined ? undefined : stripXmlIllegal(article.author);
}

/** An item's text fields with everything XML 1.0 forbids removed: hostile input never breaks a feed. */
export function toFeedItem(
  article: Article,
  contentHtml: string,
  slugs: ReadonlyMap<string, string>,
  urls: Urls,
): FeedItem {
  const clean = stripXmlIllegal;
  return {
    guid: article.guid,
    title: clean(article.title),
    url: article.link ?? urls.absolute(paths.article(article.id)),
    externalUrl: article.link,
    published: article.date,
    updated: article.updated,
    author: itemAuthor(article),
    categories: article.categories.map((name) => {
      const slug = slugs.get(name)!;
      return { name: clean(name), slug, url: urls.category(slug) };
    }),
    image: article.image,
    summary: clean(summaryOf(article)),
    contentHtml: clean(feedBody(article, contentHtml, urls)),
  };
}

export function newestUpdate(items: readonly FeedItem[]): Date {
  let newest = 0;
  for (const item of items) newest = Math.max(newest, item.updated, item.published);
  return new Date(newest);
}
