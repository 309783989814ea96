import { escapeHtml } from '../parse/text.js';
import type { Article, Category } from '../model.js';
import { paths, type Urls } from './urls.js';
import { markupSafeAttr, markupSafeText } from './xml-text.js';

const attr = (text: string) => escapeHtml(text).replace(/\n/g, '&#10;');

/**
 * OPML 2.0 (http://opml.org/spec2.opml) listing one subscription per feed a reader should take:
 * all articles, then each category, as RSS. `type="rss"` is what the spec uses for any feed.
 * `text` and `title` are what readers and outliners show, and `text` often carries HTML in
 * practice, so some render it: a category name with markup is written so that none is live.
 */
export function renderOpml(input: {
  siteTitle: string;
  categories: readonly Category[];
  updated: Date;
  urls: Urls;
}): string {
  const { siteTitle, categories, updated, urls } = input;
  const outline = (text: string, feedPath: string, pagePath: string) =>
    `    <outline type="rss" text="${markupSafeAttr(text)}" title="${markupSafeAttr(text)}" xmlUrl="${attr(urls.absolute(feedPath))}" htmlUrl="${attr(urls.absolute(pagePath))}"/>`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${markupSafeText(siteTitle)}</title>`,
    `    <dateModified>${updated.toUTCString()}</dateModified>`,
    '    <docs>http://opml.org/spec2.opml</docs>',
    '  </head>',
    '  <body>',
    outline(`${siteTitle} — all articles`, paths.feed('rss'), paths.index),
    ...categories.map((c) =>
      outline(
        `${siteTitle} — ${c.name}`,
        paths.categoryFeed(c.slug, 'rss'),
        paths.category(c.slug),
      ),
    ),
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

/** What the OPML shows besides the site's title and URLs: all that may change its bytes. */
export function opmlListKey(categories: readonly Category[]): string {
  return categories.map((c) => `${c.name}\0${c.slug}`).join('\0\0');
}

/**
 * When the list of feeds last gained an entry, from the articles' own dates: the newest of the
 * categories' first (oldest) articles, or the oldest article's without categories; 0 for none.
 * A new article in a category the list has leaves it as it was (also on a restart and on another
 * replica, which a scan or first-seen time would not), a new category moves it to that article.
 */
export function opmlListDate(
  categories: readonly Category[],
  byId: ReadonlyMap<string, Article>,
  articles: readonly Article[],
): Date {
  let newest = articles.at(-1)?.date ?? 0;
  for (const category of categories) {
    const first = byId.get(category.articleIds.at(-1)!);
    if (first) newest = Math.max(newest, first.date);
  }
  return new Date(newest);
}
