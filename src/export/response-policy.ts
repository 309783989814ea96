import { CONTENT_TYPES } from '../render/urls.js';

/**
 * What `seedfeed serve` sends besides the bytes (src/http/representation.ts and app.ts), restated
 * for the servers of the export (nginx, static hosts), which the export layer configures but
 * cannot import from the later http layer. tests/deploy/nginx.test.ts compares them header by
 * header with the server's, so the two cannot drift apart unnoticed.
 */

/** Bodies shorter than this are sent uncompressed (and get no precompressed siblings). */
export const MIN_COMPRESS_BYTES = 512;

export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; img-src * data:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
};

/** On every 200 and 304 of a document besides the security or CORS headers. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  Vary: 'Accept-Encoding',
  'X-Content-Type-Options': 'nosniff',
};

export const FEED_CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
};

/** The answer to OPTIONS on a feed: the CORS preflight of a browser reader revalidating. */
export const FEED_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  Allow: 'GET, HEAD, OPTIONS',
  'Cache-Control': 'no-store',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
  'Access-Control-Max-Age': '86400',
};

/** The not-found page: never cached, the pages' security headers. */
export const NOT_FOUND_FILE = '404.html';
export const NOT_FOUND_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  ...HTML_SECURITY_HEADERS,
};

/** The documents of the export by file name, with the Content-Type serve gives them. */
export const DOCUMENT_TYPES = [
  { suffix: '/rss.xml', type: CONTENT_TYPES.rss, feed: true },
  { suffix: '/atom.xml', type: CONTENT_TYPES.atom, feed: true },
  { suffix: '/feed.json', type: CONTENT_TYPES.json, feed: true },
  { suffix: '/opml.xml', type: CONTENT_TYPES.opml, feed: true },
  { suffix: '/index.html', type: CONTENT_TYPES.html, feed: false },
] as const;

export function cacheControl(maxAge: number): string {
  return `public, max-age=${maxAge}`;
}
