import type { FeedItem, FeedSpec } from './feed-model.js';
import { jsonHistory } from './history-links.js';
import { imageMediaType } from './media-type.js';

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Our own writer: `feed` emits version 1.0
 * with the singular `author`, no `language` and no attachments.
 */
export function renderJsonFeed(spec: FeedSpec): string {
  const document = {
    version: 'https://jsonfeed.org/version/1.1',
    title: spec.title,
    home_page_url: spec.homePage,
    feed_url: spec.selfUrls.json,
    ...(spec.hub ? { hubs: [{ type: 'WebSub', url: spec.hub }] } : {}),
    description: spec.description,
    ...(spec.icon ? { icon: spec.icon, favicon: spec.icon } : {}),
    language: spec.language,
    ...jsonHistory(spec.history),
    items: spec.items.map(jsonItem),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** One item of a JSON Feed document, as JSON.stringify is given it. */
export function jsonItem(item: FeedItem): Record<string, unknown> {
  return {
    id: item.guid,
    url: item.url,
    ...(item.externalUrl ? { external_url: item.externalUrl } : {}),
    title: item.title,
    // An archived item has no body (contentHtml ''): its summary is its text.
    ...(item.contentHtml
      ? { content_html: item.contentHtml, summary: item.summary }
      : { content_text: item.summary }),
    ...(item.image ? { image: item.image } : {}),
    date_published: new Date(item.published).toISOString(),
    date_modified: new Date(item.updated).toISOString(),
    ...(item.author ? { authors: [{ name: item.author }] } : {}),
    tags: item.categories.map((c) => c.name),
    ...(item.image
      ? { attachments: [{ url: item.image, mime_type: imageMediaType(item.image) }] }
      : {}),
  };
}
