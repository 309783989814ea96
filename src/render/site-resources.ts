import type { DocumentBudget } from './document-budget.js';
import type { FeedRoutes } from './feed-routes.js';
import { GROUP_TEXT } from './feed-specs.js';
import { shortHash, type FingerprintMemo } from './fingerprint.js';
import { opmlListDate, opmlListKey } from './opml.js';
import type { GroupLink } from './pages.js';
import { newestChange } from './last-modified.js';
import {
  categoryPage,
  feed,
  groupPage,
  indexPage,
  opmlList,
  type Render,
  type SpecMemo,
} from './renderers.js';
import { Resource } from './resource.js';
import type { SiteGroup } from './site-groups.js';
import type { SiteInputs } from './site-inputs.js';
import { staticResources } from './static-assets.js';
import { CONTENT_TYPES, FEED_FORMATS, paths } from './urls.js';

const NEWEST_ON_INDEX = 30;
/** A category page lists its newest articles; its feeds and the article pages carry the rest. */
const ARTICLES_ON_CATEGORY_PAGE = 200;
/** Tags and authors listed on the index (all of them have pages and feeds). */
const GROUPS_ON_INDEX = 100;

/** What is known of a path from before: the last Site's Resource, or validators from the state file. */
export interface Validator {
  readonly key: string;
  readonly etag: string;
  readonly lastModified: Date;
}

/** What the previous scan knew, so unchanged outputs keep their bytes, ETag and Last-Modified. */
export interface Previous extends ReadonlyMap<string, Validator | Resource> {
  /** Set when these are the last Site's resources: its articles' fingerprints and their dates. */
  readonly fingerprints?: FingerprintMemo;
}

/** A Site's eager resources by path. As the next Site's Previous, they hand on its fingerprints too. */
export interface SiteResources extends ReadonlyMap<string, Resource> {
  readonly fingerprints: FingerprintMemo;
}

class ResourceMap extends Map<string, Resource> implements SiteResources {
  constructor(readonly fingerprints: FingerprintMemo) {
    super();
  }
}

/**
 * Every feed and list page of a site, in a stable order, each rendered on first use, its bytes
 * kept within `budget`. An output whose key is the previous one's is taken over as it was,
 * bytes, ETag and Last-Modified.
 */
export function eagerResources(
  inputs: SiteInputs,
  routes: FeedRoutes,
  budget: DocumentBudget,
  previous: Previous | undefined,
  standing: ReadonlySet<SiteGroup> = new Set(),
): SiteResources {
  const { catalog, options, urls, prints, groups, page: ctx } = inputs;
  const resources = new ResourceMap(inputs.memo);
  const byIds = (ids: readonly string[]) => ids.map((id) => catalog.byId.get(id)!);
  // The renderers are made by renderers.ts, out of this scope: they are kept with the resources
  // (to render again after an eviction), and a closure made here would keep `previous` too.
  const specs: SpecMemo = {};
  const add = (
    path: string,
    contentType: string,
    key: () => string,
    render: Render,
    // Worked out only for what is rendered again: the key covers the dates it reads.
    lastModified: () => Date,
    // A group the last Site rendered whose articles are the same: its outputs stand, unkeyed.
    group?: SiteGroup,
  ) => {
    const old = previous?.get(path);
    if (group && standing.has(group) && old instanceof Resource) {
      resources.set(path, old.keepWithin(budget, render));
      return;
    }
    const fullKey = shortHash(`${inputs.settings}|${key()}`);
    if (old instanceof Resource && old.key === fullKey) {
      resources.set(path, old.keepWithin(budget, render));
      return;
    }
    // Rendered when first asked for (a reader, the export): the Site is swapped in without
    // waiting for the feeds a change touched, and a reader waits for the one it asks for only.
    const made = new Resource(path, contentType, render, lastModified(), fullKey);
    resources.set(path, made.keepWithin(budget, render));
  };
  const addFeeds = (group: SiteGroup) => {
    const layout = routes.layoutOf(group);
    const ids = group.articleIds.slice(0, options.limit);
    const newestPage = layout.pages.at(-1)?.label ?? '';
    let key: string | undefined;
    const keyOf = () =>
      (key ??= `feed|${group.kind}|${group.name}|${prints.printsOf(ids)}|${newestPage}`);
    for (const format of FEED_FORMATS) {
      add(
        paths.groupFeed(group.page, format),
        CONTENT_TYPES[format],
        () => `${format}|${keyOf()}`,
        feed(inputs, group, layout, format, specs),
        () => newestChange(byIds(ids)),
        group,
      );
    }
  };

  const allIds = groups.all.articleIds;
  const indexTags = listedGroups(groups.tags);
  const indexAuthors = listedGroups(groups.authors);
  const groupsKey = JSON.stringify([indexTags, indexAuthors]);
  addFeeds(groups.all);
  add(
    paths.index,
    CONTENT_TYPES.html,
    () =>
      `index|${prints.printsOf(allIds.slice(0, NEWEST_ON_INDEX))}|${categoriesKey(inputs)}|${allIds.length}|${groupsKey}`,
    indexPage(ctx, catalog, NEWEST_ON_INDEX, indexTags, indexAuthors),
    () => newestChange(catalog.articles.slice(0, NEWEST_ON_INDEX)),
  );
  catalog.categories.forEach((category, i) => {
    addFeeds(groups.categories[i]!);
    const listed = category.articleIds.slice(0, ARTICLES_ON_CATEGORY_PAGE);
    add(
      paths.category(category.slug),
      CONTENT_TYPES.html,
      () => `category|${category.name}|${category.articleIds.length}|${prints.printsOf(listed)}`,
      categoryPage(ctx, catalog, category, listed),
      () => newestChange(byIds(listed)),
      groups.categories[i],
    );
  });
  for (const group of [...groups.tags, ...groups.authors]) {
    addFeeds(group);
    const listed = group.articleIds.slice(0, ARTICLES_ON_CATEGORY_PAGE);
    const text = GROUP_TEXT[group.kind](options.siteTitle, group.name);
    add(
      group.page,
      CONTENT_TYPES.html,
      () => `${group.kind}|${group.name}|${group.articleIds.length}|${prints.printsOf(listed)}`,
      groupPage(ctx, catalog, group, text, listed),
      () => newestChange(byIds(listed)),
      group,
    );
  }
  // Dated and keyed by the list of feeds alone: an article that adds no category changes nothing.
  const listDate = opmlListDate(catalog.categories, catalog.byId, catalog.articles);
  add(
    paths.opml,
    CONTENT_TYPES.opml,
    () => `opml|${opmlListKey(catalog.categories)}|${listDate.getTime()}`,
    opmlList(options.siteTitle, catalog.categories, listDate, urls),
    () => listDate,
  );
  for (const asset of staticResources()) resources.set(asset.path, asset);
  return resources;
}

/** The biggest groups first, as the index lists them. */
function listedGroups(groups: readonly SiteGroup[]): GroupLink[] {
  return [...groups]
    .sort((a, b) => b.articleIds.length - a.articleIds.length)
    .slice(0, GROUPS_ON_INDEX)
    .map((g) => ({ name: g.name, page: g.page, count: g.articleIds.length }));
}

function categoriesKey({ catalog }: SiteInputs): string {
  return catalog.categories.map((c) => `${c.name}:${c.slug}:${c.articleIds.length}`).join('|');
}
