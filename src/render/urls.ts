/** The URL space, in one place: what the server routes, the exporter writes and every link points to. */

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

export const FEED_FILES: Record<FeedFormat, string> = {
  rss: 'rss.xml',
  atom: 'atom.xml',
  json: 'feed.json',
};

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

/** Site paths are decoded (`/categories/新媒体/`); links percent-encode each segment. */
export const paths = {
  index: '/',
  feed: (format: FeedFormat) => `/${FEED_FILES[format]}`,
  category: (slug: string) => `/categories/${slug}/`,
  categoryFeed: (slug: string, format: FeedFormat) => `/categories/${slug}/${FEED_FILES[format]}`,
  article: (id: string) => `/articles/${id}/`,
  tag: (slug: string) => `/tags/${slug}/`,
  author: (slug: string) => `/authors/${slug}/`,
  /** A feed of the group whose page is `page` (`/`, `/categories/<slug>/`, `/tags/<slug>/`, …). */
  groupFeed: (page: string, format: FeedFormat) => `${page}${FEED_FILES[format]}`,
  /** The archive page (RFC 5005 §4) `label` (render/archive.ts) of the group whose page is `page`. */
  archive: (page: string, label: string, format: FeedFormat) =>
    `${page}archive/${label}/${FEED_FILES[format]}`,
  opml: '/opml.xml',
};

/** Characters encodeURIComponent leaves alone, and `/`: most paths (articles, ASCII slugs) need no work. */
const NOTHING_TO_ENCODE = /^[A-Za-z0-9\-_.!~*'()/]*$/;

export function encodePath(sitePath: string): string {
  if (NOTHING_TO_ENCODE.test(sitePath)) return sitePath;
  return sitePath.split('/').map(encodeURIComponent).join('/');
}

/** Builds absolute URLs and root-relative links under the configured public base URL. */
export class Urls {
  /** e.g. `https://news.example.org/site` (no trailing slash). */
  readonly base: string;
  /** The base URL's path, '' or `/site`. */
  readonly prefix: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.prefix = new URL(this.base).pathname.replace(/\/+$/, '');
  }

  absolute(sitePath: string): string {
    return `${this.base}${encodePath(sitePath)}`;
  }

  private readonly categoryUrls = new Map<string, string>();

  /** A category page's absolute URL, asked for by every item of every feed: made once per slug. */
  category(slug: string): string {
    let url = this.categoryUrls.get(slug);
    if (url === undefined) this.categoryUrls.set(slug, (url = this.absolute(paths.category(slug))));
    return url;
  }

  /** A root-relative link, valid both on the server and in the exported directory. */
  link(sitePath: string): string {
    return `${this.prefix}${encodePath(sitePath)}`;
  }
}

/** The file a site path is exported to: directories get `index.html`. */
export function fileForPath(sitePath: string): string {
  const rel = sitePath.replace(/^\//, '');
  return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
}
