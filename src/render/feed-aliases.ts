import { FEED_FILES, type FeedFormat } from './urls.js';

/**
 * Feed URLs readers and people guess, after a group's page (`/`, `/categories/<slug>/`, …), and
 * the feed each means. WordPress taught readers `feed/`, Hugo `index.xml`; the rest are guesses
 * seen in access logs. Each answers 301 to the canonical feed (the server), or becomes a redirect
 * rule (an exported site's web server), from this one table.
 */
const GUESSES: ReadonlyArray<readonly [guess: string, format: FeedFormat]> = [
  ['feed', 'rss'],
  ['feed/', 'rss'],
  ['rss', 'rss'],
  ['rss/', 'rss'],
  ['atom', 'atom'],
  ['atom/', 'atom'],
  ['index.xml', 'rss'],
  ['feed.xml', 'rss'],
  ['rss.xml/', 'rss'],
  ['atom.xml/', 'atom'],
  ['feed.json/', 'json'],
];

/** The pages of groups that have feeds: the site's root, and one level of categories, tags, authors. */
const GROUP_PAGE = /^\/(?:(?:categories|tags|authors)\/[^/]+\/)?$/;

const FEED_FILE_NAMES = new Set(Object.values(FEED_FILES));

export interface FeedAlias {
  /** A decoded site path, as a request's path is matched. */
  readonly from: string;
  /** The canonical feed's site path. */
  readonly to: string;
}

/**
 * The feed that a guessed path means, if it has the shape of one (`/feed/` → `/rss.xml`,
 * `/categories/x/atom` → `/categories/x/atom.xml`); whether that feed exists is the caller's
 * question. Only asked about paths with nothing else there, so it never shadows a real page.
 */
export function feedAliasTarget(path: string): string | undefined {
  for (const [guess, format] of GUESSES) {
    if (!path.endsWith(`/${guess}`)) continue;
    const page = path.slice(0, path.length - guess.length);
    if (GROUP_PAGE.test(page)) return `${page}${FEED_FILES[format]}`;
  }
  return undefined;
}

/**
 * Every alias of a site whose paths are `sitePaths` (e.g. `site.paths()`): each guess after each
 * group page that has the feed it means, in the order of the paths, then of the table.
 */
export function feedAliases(sitePaths: Iterable<string>): FeedAlias[] {
  const feeds = new Set<string>();
  const pages = new Set<string>();
  for (const path of sitePaths) {
    const page = path.slice(0, path.lastIndexOf('/') + 1);
    if (GROUP_PAGE.test(page) && FEED_FILE_NAMES.has(path.slice(page.length))) {
      pages.add(page);
      feeds.add(path);
    }
  }
  const aliases: FeedAlias[] = [];
  for (const page of pages) {
    for (const [guess, format] of GUESSES) {
      const to = `${page}${FEED_FILES[format]}`;
      if (feeds.has(to)) aliases.push({ from: `${page}${guess}`, to });
    }
  }
  return aliases;
}
