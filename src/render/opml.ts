import { escapeHtml } from '../parse/text.js';
import type { Category } from '../model.js';
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
