/**
 * Everything a Site serves, read back for comparison with another Site of the same directory:
 * every path (feeds, pages, archive pages, article pages), a few query variants of feeds and
 * pages, searches and the 404 page.
 *
 * Article identity is compared by correspondence rather than by bytes: a guid (and the article id
 * made from it) is remembered across scans, so that an edited or moved article keeps the identity
 * readers know, where a cold build mints it from the text. Before bytes are compared, the guids
 * and ids of one Site are translated to the other's, article by article (an article is known by
 * its source files); the guids themselves are checked apart (unexplainedGuids).
 */
import { parseFeedQuery } from '../../src/render/filters.js';
import type { Resource } from '../../src/render/resource.js';
import type { Site } from '../../src/render/site.js';
import { paths } from '../../src/render/urls.js';

export interface Served {
  readonly type: string;
  readonly text: string;
  readonly lastModified: number;
  readonly maxAge?: number;
}

export interface ServedSite {
  /** By path (and query). */
  readonly served: ReadonlyMap<string, Served>;
  /** Each article's guid and id, by its sources. */
  readonly articles: ReadonlyMap<string, { readonly guid: string; readonly id: string }>;
}

const FEED_QUERIES = [
  'limit=3',
  'filter=数字',
  'filterout_title=湖|浙&limit=7',
  'filter_category=tech&filter_case_sensitive=false',
  'opencc=s2t',
];
/** Of the feeds that exist, these and the oldest all-articles archive page get the queries above. */
const QUERIED_FEEDS = ['/rss.xml', '/feed.json', '/categories/科技/atom.xml'];
const ARCHIVE_ATOM = /^\/archive\/[^/]+\/atom\.xml$/;
const SEARCHES = ['数字', 'tech 2'];

export async function servedSite(site: Site, now: number, maxAgeDays = 400): Promise<ServedSite> {
  const served = new Map<string, Served>();
  const add = (key: string, resource: Resource | undefined) => {
    if (!resource) return;
    served.set(key, {
      type: resource.contentType,
      text: Buffer.from(resource.body).toString('utf8'),
      lastModified: resource.lastModified.getTime(),
      maxAge: resource.maxAge,
    });
  };
  for (const path of site.paths()) add(path, await site.load(path));
  add('(not found)', site.notFound);
  const queries = [...FEED_QUERIES, `filter_time=${maxAgeDays * 86_400}`];
  const oldestArchive = [...site.paths()].find((p) => ARCHIVE_ATOM.test(p));
  for (const path of [...QUERIED_FEEDS, ...(oldestArchive ? [oldestArchive] : [])]) {
    for (const search of queries) {
      const parsed = parseFeedQuery(search, site.options.limit);
      if ('error' in parsed) throw new Error(`${search}: ${parsed.error}`);
      add(`${path}?${search}`, site.feedVariant(path, parsed.query, now));
    }
  }
  const newest = site.catalog.articles[0];
  for (const path of [paths.index, ...(newest ? [paths.article(newest.id)] : [])])
    add(`${path}?opencc=s2t`, await site.pageVariant(path, 's2t'));
  for (const q of SEARCHES) add(`/?q=${q}`, site.search(q));
  const articles = new Map(
    site.catalog.articles.map((a) => [a.sources.join(' '), { guid: a.guid, id: a.id }]),
  );
  return { served, articles };
}

/**
 * Where two Sites of one directory serve differently, once `actual`'s guids and ids are written
 * as `expected`'s: articles only one has, paths only one has, other types, max-age or bytes
 * (the first difference shown).
 */
export function servedDifferences(actual: ServedSite, expected: ServedSite): string[] {
  const out: string[] = [];
  const renamed = new Map<string, string>();
  for (const [sources, mine] of actual.articles) {
    const theirs = expected.articles.get(sources);
    if (!theirs) out.push(`article only in the first: ${sources}`);
    else if (mine.guid !== theirs.guid) {
      renamed.set(mine.guid, theirs.guid);
      renamed.set(mine.id, theirs.id);
    }
  }
  for (const sources of expected.articles.keys())
    if (!actual.articles.has(sources)) out.push(`article only in the second: ${sources}`);
  const translate = translation(renamed);
  const served = new Map([...actual.served].map(([key, s]) => [translate(key), s]));
  for (const [key, want] of expected.served) {
    const got = served.get(key);
    const text = got && translate(got.text);
    if (!got) out.push(`${key}: only in the second`);
    else if (got.type !== want.type) out.push(`${key}: type ${got.type}, not ${want.type}`);
    else if (got.maxAge !== want.maxAge)
      out.push(`${key}: max-age ${got.maxAge}, not ${want.maxAge}`);
    else if (text !== want.text) out.push(`${key}: ${firstDifference(text!, want.text)}`);
  }
  for (const key of served.keys())
    if (!expected.served.has(key)) out.push(`${key}: only in the first`);
  return out;
}

/** Every guid and id in `renamed` replaced at once (two articles may swap theirs). */
function translation(renamed: ReadonlyMap<string, string>): (text: string) => string {
  if (renamed.size === 0) return (text) => text;
  const ids = [...renamed.keys()].filter((k) => !k.startsWith('urn:'));
  const pattern = /urn:sha256:[0-9a-f]{64}|(?<![0-9a-f])[0-9a-f]{16}(?![0-9a-f])/g;
  return (text) =>
    ids.some((id) => text.includes(id))
      ? text.replace(pattern, (found) => renamed.get(found) ?? found)
      : text;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 80), i + 80));
  return `bytes differ at ${i}: ${around(a)} vs ${around(b)}`;
}

/**
 * Guids that differ from the cold build's and are none the incremental Site ever served before:
 * a remembered guid is legitimate, an invented one is not.
 */
export function unexplainedGuids(
  actual: ServedSite,
  expected: ServedSite,
  earlier: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const [sources, { guid }] of actual.articles) {
    const cold = expected.articles.get(sources)?.guid;
    if (cold !== undefined && guid !== cold && !earlier.has(guid))
      out.push(`${sources}: guid ${guid} is neither ${cold} nor one served before`);
  }
  return out;
}

/** Outputs dated later than the cold build's: an incremental Site's dates are never newer. */
export function laterDates(actual: ServedSite, expected: ServedSite): string[] {
  const out: string[] = [];
  for (const [key, want] of expected.served) {
    const got = actual.served.get(key);
    if (got && got.lastModified > want.lastModified)
      out.push(
        `${key}: Last-Modified ${new Date(got.lastModified).toISOString()} after ${new Date(want.lastModified).toISOString()}`,
      );
  }
  return out;
}
