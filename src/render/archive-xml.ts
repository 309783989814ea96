import { escapeHtml, stripXmlIllegal } from '../parse/text.js';
import type { FeedItem, FeedSpec } from './feed-model.js';
import { addAtomHistory, addRssHistory } from './history-links.js';
import { imageMediaType } from './media-type.js';
import { atomFeedAuthor } from './xml-feeds.js';
import { htmlTextAsXml, markupSafeText } from './xml-text.js';

/**
 * RSS 2.0 and Atom 1.0 archive pages (RFC 5005 §4), written directly rather than through `feed`.
 *
 * A cold build renders every archived article once per group and format. Through `feed` (xml-js)
 * that cost ~60 µs an item — a third of a 10,000-file build — while archive items are small and
 * fixed in shape: no body, only title, link, guid, dates, summary, author, categories and image.
 * Element for element this is what xml-feeds.ts makes of the same spec, without the corrections
 * `feed` needs: every string is escaped here, once, by the rules of xml-text.ts for its field.
 */

const GENERATOR = 'seedfeed';
/**
 * Text content and attribute values alike: `&#39;`/`&#34;` are valid XML character references.
 * Items come from toFeedItem(), already free of what XML forbids; the feed's own strings are
 * cleaned here (`clean`).
 */
const esc = escapeHtml;
const clean = (text: string) => escapeHtml(stripXmlIllegal(text));
/** RSS title, dc:creator, category: undeclared type, so no markup for a text or an HTML reading (xml-text.ts). */
const safe = (text: string) => markupSafeText(text, esc);
const I2 = ' '.repeat(8);
const I3 = ' '.repeat(12);

export function rssItem(item: FeedItem): string {
  const lines = [
    `<title>${safe(item.title)}</title>`,
    `<link>${esc(item.url)}</link>`,
    `<guid isPermaLink="false">${esc(item.guid)}</guid>`,
    `<pubDate>${new Date(item.published).toUTCString()}</pubDate>`,
    // RSS descriptions are HTML: the summary is plain text, so it is HTML-escaped, then XML-escaped.
    `<description>${esc(escapeHtml(item.summary))}</description>`,
    ...item.categories.map((c) => `<category domain="${esc(c.url)}">${safe(c.name)}</category>`),
    ...(item.image
      ? [`<enclosure length="0" type="${imageMediaType(item.image)}" url="${esc(item.image)}"/>`]
      : []),
    ...(item.author ? [`<dc:creator>${safe(item.author)}</dc:creator>`] : []),
  ];
  return `${I2}<item>\n${I3}${lines.join(`\n${I3}`)}\n${I2}</item>\n`;
}

export function renderRssArchive(spec: FeedSpec): string {
  const title = safe(stripXmlIllegal(spec.title));
  const head = [
    `<title>${title}</title>`,
    `<link>${esc(spec.homePage)}</link>`,
    // The channel description is HTML like an item's: its text (a category name…) is escaped as HTML first.
    `<description>${htmlTextAsXml(stripXmlIllegal(spec.description))}</description>`,
    `<lastBuildDate>${spec.updated.toUTCString()}</lastBuildDate>`,
    '<docs>https://validator.w3.org/feed/docs/rss2.html</docs>',
    `<generator>${GENERATOR}</generator>`,
    `<language>${esc(spec.language)}</language>`,
    ...(spec.icon
      ? [
          `<image>\n${I3}<title>${title}</title>\n${I3}<url>${esc(spec.icon)}</url>\n${I3}<link>${esc(spec.homePage)}</link>\n${I2}</image>`,
        ]
      : []),
    `<atom:link href="${esc(spec.selfUrls.rss)}" rel="self" type="application/rss+xml"/>`,
    ...(spec.hub ? [`<atom:link href="${esc(spec.hub)}" rel="hub"/>`] : []),
  ];
  const xml =
    `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n    <channel>\n${I2}${head.join(`\n${I2}`)}\n` +
    `${spec.items.map(rssItem).join('')}    </channel>\n</rss>`;
  return addRssHistory(xml, spec.history);
}

export function atomEntry(item: FeedItem): string {
  const lines = [
    `<title type="text">${esc(item.title)}</title>`,
    `<id>${esc(item.guid)}</id>`,
    `<link href="${esc(item.url)}"/>`,
    ...(item.image
      ? [`<link rel="enclosure" href="${esc(item.image)}" type="${imageMediaType(item.image)}"/>`]
      : []),
    `<updated>${new Date(item.updated).toISOString()}</updated>`,
    `<summary>${esc(item.summary)}</summary>`,
    ...(item.author ? [`<author>\n${I3}    <name>${esc(item.author)}</name>\n${I3}</author>`] : []),
    ...item.categories.map(
      (c) => `<category label="${esc(c.name)}" scheme="${esc(c.url)}" term="${esc(c.name)}"/>`,
    ),
    `<published>${new Date(item.published).toISOString()}</published>`,
  ];
  return `    <entry>\n${I2}${lines.join(`\n${I2}`)}\n    </entry>\n`;
}

export function renderAtomArchive(spec: FeedSpec): string {
  const owner = atomFeedAuthor(spec);
  const head = [
    `<id>${esc(spec.selfUrls.atom)}</id>`,
    `<title>${clean(spec.title)}</title>`,
    `<updated>${spec.updated.toISOString()}</updated>`,
    `<generator>${GENERATOR}</generator>`,
    `<link rel="alternate" href="${esc(spec.homePage)}"/>`,
    `<link rel="self" href="${esc(spec.selfUrls.atom)}"/>`,
    ...(owner === undefined ? [] : [`<author>\n${I2}<name>${clean(owner)}</name>\n    </author>`]),
    ...(spec.hub ? [`<link rel="hub" href="${esc(spec.hub)}"/>`] : []),
    `<subtitle>${clean(spec.description)}</subtitle>`,
    ...(spec.icon ? [`<logo>${esc(spec.icon)}</logo>`, `<icon>${esc(spec.icon)}</icon>`] : []),
  ];
  const xml =
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${esc(spec.language)}">\n    ${head.join('\n    ')}\n` +
    `${spec.items.map(atomEntry).join('')}</feed>`;
  return addAtomHistory(xml, spec.history);
}
