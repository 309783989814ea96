import type { ArchiveLayout } from './archive.js';
import { renderAtomArchive, renderRssArchive } from './archive-xml.js';
import { newestUpdate, toFeedItem, type FeedHistory, type FeedSpec } from './feed-model.js';
import { renderJsonFeed } from './json-feed.js';
import type { SiteGroup } from './site-groups.js';
import type { SiteInputs } from './site-inputs.js';
import { paths, type FeedFormat, type Urls } from './urls.js';
import { renderAtom, renderRss } from './xml-feeds.js';

export const GROUP_TEXT: Record<
  SiteGroup['kind'],
  (site: string, name: string) => { title: string; description: string; heading: string }
> = {
  all: (site) => ({
    title: `${site} — all articles`,
    description: 'All articles, newest first.',
    heading: site,
  }),
  category: (site, name) => ({
    title: `${site} — ${name}`,
    description: `Articles in the category “${name}”, newest first.`,
    heading: name,
  }),
  tag: (site, name) => ({
    title: `${site} — tag ${name}`,
    description: `Articles tagged “${name}”, newest first.`,
    heading: `Tag: ${name}`,
  }),
  author: (site, name) => ({
    title: `${site} — by ${name}`,
    description: `Articles by ${name}, newest first.`,
    heading: `Author: ${name}`,
  }),
};

const RENDER: Record<FeedFormat, (spec: FeedSpec) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};
/** Archive pages carry no bodies; their XML is written directly (see archive-xml.ts). */
const RENDER_ARCHIVE: Record<FeedFormat, (spec: FeedSpec) => string> = {
  rss: renderRssArchive,
  atom: renderAtomArchive,
  json: renderJsonFeed,
};

export function renderFeed(format: FeedFormat, spec: FeedSpec, archivePage: boolean): string {
  return (archivePage ? RENDER_ARCHIVE : RENDER)[format](spec);
}

/**
 * One feed document of a group: its current feed (`archivePage` undefined) or an archive page.
 * Current feeds carry bodies (they are in memory); archive pages carry each article's summary
 * and link only, so that no body has to be read to render the whole history.
 */
export function feedSpec(
  inputs: SiteInputs,
  group: SiteGroup,
  ids: readonly string[],
  archivePage?: string,
  history?: FeedHistory,
  /** Articles shown like an archive page's, without their body (not in memory: a filter's find). */
  bodiless?: ReadonlySet<string>,
): FeedSpec {
  const { catalog, options, urls, slugs } = inputs;
  const feedPath = (f: FeedFormat) =>
    archivePage === undefined
      ? paths.groupFeed(group.page, f)
      : paths.archive(group.page, archivePage, f);
  const items = ids.map((id) => {
    const article = catalog.byId.get(id)!;
    if (archivePage !== undefined || bodiless?.has(id)) return toFeedItem(article, '', slugs, urls);
    const body = catalog.content.get(article.bodySource);
    if (body === undefined)
      throw new Error(`the body of ${article.id} is not loaded: build Sites with Site.create()`);
    return toFeedItem(article, body, slugs, urls);
  });
  const text = GROUP_TEXT[group.kind](options.siteTitle, group.name);
  return {
    title: archivePage === undefined ? text.title : `${text.title} (archive ${archivePage})`,
    description: text.description,
    homePage: urls.absolute(group.page),
    selfUrls: {
      rss: urls.absolute(feedPath('rss')),
      atom: urls.absolute(feedPath('atom')),
      json: urls.absolute(feedPath('json')),
    },
    language: inputs.language,
    icon: options.icon,
    // Archive pages are no WebSub topics (they do not change), so they name no hub.
    hub: archivePage === undefined ? options.hubUrl : undefined,
    owner: options.siteTitle,
    items,
    updated: items.length ? newestUpdate(items) : new Date(0),
    ...(history ? { history } : {}),
  };
}

function archiveUrls(urls: Urls, page: string, label: string): Record<FeedFormat, string> {
  const url = (f: FeedFormat) => urls.absolute(paths.archive(page, label, f));
  return { rss: url('rss'), atom: url('atom'), json: url('json') };
}

/** RFC 5005 §4 links: the current feed points to the newest archive page; each page to its neighbours. */
export function historyLinks(
  urls: Urls,
  group: SiteGroup,
  layout: ArchiveLayout,
  archivePage?: string,
): FeedHistory | undefined {
  const { pages } = layout;
  const at = (n: number) => archiveUrls(urls, group.page, pages[n]!.label);
  if (archivePage === undefined)
    return pages.length ? { archive: false, prevArchive: at(pages.length - 1) } : undefined;
  const n = layout.index.get(archivePage)!;
  const current = (f: FeedFormat) => urls.absolute(paths.groupFeed(group.page, f));
  return {
    archive: true,
    current: { rss: current('rss'), atom: current('atom'), json: current('json') },
    ...(n > 0 ? { prevArchive: at(n - 1) } : {}),
    ...(n + 1 < pages.length ? { nextArchive: at(n + 1) } : {}),
  };
}

/** History links of a variant: the same documents, asked for with the same query. */
export function withQuery(history: FeedHistory, query: string): FeedHistory {
  const add = (urls: Record<FeedFormat, string> | undefined) =>
    urls && {
      rss: `${urls.rss}?${query}`,
      atom: `${urls.atom}?${query}`,
      json: `${urls.json}?${query}`,
    };
  return {
    archive: history.archive,
    current: add(history.current),
    prevArchive: add(history.prevArchive),
    nextArchive: add(history.nextArchive),
  };
}
