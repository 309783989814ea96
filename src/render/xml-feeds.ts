import { Feed, type Item } from 'feed';
import { escapeHtml } from '../parse/text.js';
import type { FeedItem, FeedSpec } from './feed-model.js';
import { addAtomHistory, addRssHistory } from './history-links.js';
import { imageMediaType } from './media-type.js';
import { cdata, htmlTextAsXml, markupSafeText, xmlAttr, xmlText } from './xml-text.js';

/**
 * RSS 2.0 and Atom 1.0 through the `feed` package, with its faults (judge/README.md, "feed@6")
 * corrected around it:
 * - every string goes through `feed` as a token and is written afterwards, escaped by xml-text.ts
 *   for what its field is: `feed` (xml-js) escapes text its own way (`&amp;` loses a level), never
 *   escapes `<` in attributes, puts RSS titles and dc:creator raw in CDATA and splits only the
 *   first `]]>` of a CDATA section;
 * - Atom entry titles are `type="text"` (feed writes `type="html"`): a title is plain text;
 * - a name-only author would be an invalid RSS `<author>`: it goes to `dc:creator` instead;
 * - enclosure types are guessed from the URL by `feed` (`image//` for proxy URLs): RSS takes
 *   ours, and Atom's are rewritten after rendering;
 * - the feed's `updated` is the newest item's, never "now", so unchanged data renders the same bytes.
 */

const GENERATOR = 'seedfeed';

/**
 * Noncharacters that toFeedItem() and cleanLine() strip from every input (parse/text.ts), so a
 * token can only come from here. Tokens hold no character `feed` or xml-js would escape.
 */
const TOKEN_OPEN = '\uFDD0';
const TOKEN_CLOSE = '\uFDD1';
/** A token, with the CDATA section `feed` may have put around it: the XML put in its place brings its own. */
const TOKEN = /(?:<!\[CDATA\[)?\uFDD0(\d+)\uFDD1(?:\]\]>)?/g;

/** XML fragments carried through `feed` as tokens and put in place after rendering. */
class Verbatim {
  private readonly parts: string[] = [];

  /** A token standing for `xml`, which is already escaped for the place it goes. */
  put(xml: string): string {
    return `${TOKEN_OPEN}${this.parts.push(xml) - 1}${TOKEN_CLOSE}`;
  }

  /** `document` with each token replaced in one pass (what a token stands for is never scanned again). */
  fill(document: string): string {
    return document.replace(TOKEN, (_, index: string) => this.parts[Number(index)]!);
  }
}

/**
 * RFC 4287 §4.1.1: an Atom feed without a feed-level author needs one in every entry, so the
 * site (its title) is named when some entry has none.
 */
export function atomFeedAuthor(spec: FeedSpec): string | undefined {
  return spec.owner !== undefined && spec.items.some((item) => !item.author)
    ? spec.owner
    : undefined;
}

function baseFeed(
  spec: FeedSpec,
  title: string,
  description: string,
  author?: { name: string },
): Feed {
  return new Feed({
    title,
    description,
    id: spec.selfUrls.atom,
    link: spec.homePage,
    language: spec.language,
    updated: spec.updated,
    generator: GENERATOR,
    feedLinks: { rss: spec.selfUrls.rss, atom: spec.selfUrls.atom, json: spec.selfUrls.json },
    ...(spec.icon ? { image: spec.icon, favicon: spec.icon } : {}),
    // rel="hub" next to rel="self" (W3C WebSub §4): RSS atom:link, Atom link.
    ...(spec.hub ? { hub: spec.hub } : {}),
    ...(author ? { author } : {}),
  });
}

function commonItem(item: FeedItem, v: Verbatim): Item {
  return {
    title: '',
    id: item.guid,
    guid: item.guid,
    link: item.url,
    date: new Date(item.updated),
    published: new Date(item.published),
    // Sanitized HTML (parse/sanitize.ts); an archived item has none, and `feed` then writes no element.
    content: item.contentHtml ? v.put(cdata(item.contentHtml)) : '',
    // The summary is plain text and the field is HTML: HTML-escaped (it then holds no `]]>`).
    description: item.summary && v.put(cdata(escapeHtml(item.summary))),
  };
}

/** `feed` declares `xmlns:dc` only next to item content; archived items have none but may have dc:creator. */
function withDcNamespace(xml: string): string {
  return xml.includes('<dc:creator>') && !xml.includes('xmlns:dc=')
    ? xml.replace(
        '<rss version="2.0"',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"',
      )
    : xml;
}

/**
 * RSS: `description` is HTML (RSS 2.0, "entity-encoded HTML is allowed"); title, dc:creator and
 * category are of undeclared type, written so that neither a text nor an HTML reading finds markup.
 */
export function renderRss(spec: FeedSpec): string {
  const v = new Verbatim();
  const feed = baseFeed(
    spec,
    v.put(markupSafeText(spec.title)),
    v.put(htmlTextAsXml(spec.description)),
  );
  for (const item of spec.items) {
    feed.addItem({
      ...commonItem(item, v),
      // In CDATA when it reads the same as HTML (as `feed` always wrote it: the same bytes as before).
      title: item.title && v.put(markupSafeText(item.title, cdata)),
      category: item.categories.map((c) => ({
        name: v.put(markupSafeText(c.name)),
        domain: c.url,
      })),
      ...(item.image
        ? { image: { url: item.image, type: imageMediaType(item.image), length: 0 } }
        : {}),
      ...(item.author
        ? {
            extensions: [
              { name: 'dc:creator', objects: { _text: v.put(markupSafeText(item.author, cdata)) } },
            ],
          }
        : {}),
    });
  }
  return v.fill(addRssHistory(withDcNamespace(feed.rss2()), spec.history));
}

/** Atom: every text construct says its type (RFC 4287 §3.1); titles, names and labels are text. */
export function renderAtom(spec: FeedSpec): string {
  const v = new Verbatim();
  const owner = atomFeedAuthor(spec);
  const feed = baseFeed(
    spec,
    v.put(xmlText(spec.title)),
    v.put(xmlText(spec.description)),
    owner === undefined ? undefined : { name: v.put(xmlText(owner)) },
  );
  const enclosureTypes = new Map<string, string>();
  for (const item of spec.items) {
    if (item.image)
      enclosureTypes.set(
        new URL(item.image).href.replace(/&/g, '&amp;'),
        imageMediaType(item.image),
      );
    feed.addItem({
      ...commonItem(item, v),
      title: v.put(xmlText(item.title)),
      // term is the name (what readers show and match on, as RSS and JSON Feed do); scheme says where it lives.
      category: item.categories.map((c) => {
        // `feed` writes Atom's `label` attribute from `name`.
        const name = v.put(xmlAttr(c.name));
        return { term: name, name, scheme: c.url };
      }),
      ...(item.author ? { author: [{ name: v.put(xmlText(item.author)) }] } : {}),
      ...(item.image ? { image: item.image } : {}),
    });
  }
  const xml = feed
    .atom1()
    .replace(
      '<feed xmlns="http://www.w3.org/2005/Atom">',
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${spec.language}">`,
    )
    // Before the tokens are filled in, `feed`'s entry titles are the only `type="html"` titles.
    .replaceAll('<title type="html">', '<title type="text">')
    .replace(/<link rel="enclosure" href="([^"]*)" type="[^"]*"/g, (match, href: string) => {
      const type = enclosureTypes.get(href);
      return type ? `<link rel="enclosure" href="${href}" type="${type}"` : match;
    });
  return v.fill(addAtomHistory(xml, spec.history));
}
