import { escapeHtml } from '../parse/text.js';
import type { FeedHistory } from './feed-model.js';
import type { FeedFormat } from './urls.js';

/**
 * RFC 5005 links written into rendered feeds. The `feed` package has no place for them, so they
 * are inserted into its output: before the first item (or the end of the channel/feed), with the
 * `fh` namespace on the root element of archive documents. JSON Feed gets `next_url` and an
 * `_rfc5005` extension object in json-feed.ts.
 */
export const FH_NAMESPACE = 'http://purl.org/syndication/history/1.0';

/** The `feed` package's indentation of channel children and feed children. */
const RSS_INDENT = ' '.repeat(8);
const ATOM_INDENT = ' '.repeat(4);
const TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

function links(history: FeedHistory, format: 'rss' | 'atom', tag: string, indent: string): string {
  const link = (rel: string, href: string | undefined) =>
    href === undefined
      ? ''
      : `<${tag} rel="${rel}" href="${escapeHtml(href)}" type="${TYPES[format]}"/>`;
  return [
    history.archive ? '<fh:archive/>' : '',
    link('current', history.current?.[format]),
    link('prev-archive', history.prevArchive?.[format]),
    link('next-archive', history.nextArchive?.[format]),
  ]
    .filter(Boolean)
    .join(`\n${indent}`);
}

/** Inserts `text` before the first marker found, on its own line(s) at the marker's indentation. */
function insertBefore(
  xml: string,
  markers: readonly string[],
  text: string,
  indent: string,
): string {
  for (const marker of markers) {
    const at = xml.indexOf(marker);
    if (at !== -1) return `${xml.slice(0, at)}${text}\n${indent}${xml.slice(at)}`;
  }
  throw new Error(`no place for the archive links (${markers.join(', ')})`);
}

export function addRssHistory(xml: string, history: FeedHistory | undefined): string {
  if (!history) return xml;
  const withNs = history.archive
    ? xml.replace('<rss version="2.0"', `<rss version="2.0" xmlns:fh="${FH_NAMESPACE}"`)
    : xml;
  return insertBefore(
    withNs,
    ['<item>', '</channel>'],
    links(history, 'rss', 'atom:link', RSS_INDENT),
    RSS_INDENT,
  );
}

export function addAtomHistory(xml: string, history: FeedHistory | undefined): string {
  if (!history) return xml;
  const withNs = history.archive
    ? xml.replace(
        '<feed xmlns="http://www.w3.org/2005/Atom"',
        `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="${FH_NAMESPACE}"`,
      )
    : xml;
  return insertBefore(
    withNs,
    ['<entry>', '</feed>'],
    links(history, 'atom', 'link', ATOM_INDENT),
    ATOM_INDENT,
  );
}

/**
 * JSON Feed has only `next_url` ("the next n items"): it points to the next OLDER document, so a
 * reader that follows next_url from the current feed walks the whole archive back to the oldest
 * page. The full RFC 5005 relations travel in the `_rfc5005` extension.
 */
export function jsonHistory(history: FeedHistory | undefined): Record<string, unknown> {
  if (!history) return {};
  return {
    ...(history.prevArchive ? { next_url: history.prevArchive.json } : {}),
    _rfc5005: {
      about: 'https://www.rfc-editor.org/rfc/rfc5005#section-4',
      archive: history.archive,
      ...(history.current ? { current: history.current.json } : {}),
      ...(history.prevArchive ? { prev_archive: history.prevArchive.json } : {}),
      ...(history.nextArchive ? { next_archive: history.nextArchive.json } : {}),
    },
  };
}
