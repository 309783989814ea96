import type { Catalog, Category } from '../model.js';
import type { ArchiveLayout } from './archive.js';
import type { FeedSpec } from './feed-model.js';
import { feedSpec, historyLinks, renderFeed } from './feed-specs.js';
import { renderOpml } from './opml.js';
import {
  renderCategoryPage,
  renderGroupPage,
  renderIndexPage,
  type GroupLink,
  type PageContext,
} from './pages.js';
import type { SiteGroup } from './site-groups.js';
import type { SiteInputs } from './site-inputs.js';
import type { FeedFormat, Urls } from './urls.js';

/**
 * The renderers of a Site's feeds and list pages. Each is kept with its resource for as long as
 * the Site lives (it renders the bytes again after an eviction, resource.ts), so each is made here,
 * closing over its arguments only: made inside eagerResources, it would keep that function's
 * whole scope, the last Site's resources among it.
 */
export type Render = () => string;

/** The last feed spec made: the three formats of a group are rendered one after the other. */
export interface SpecMemo {
  last?: { readonly group: SiteGroup; readonly spec: FeedSpec };
}

export function feed(
  inputs: SiteInputs,
  group: SiteGroup,
  layout: ArchiveLayout,
  format: FeedFormat,
  specs: SpecMemo,
): Render {
  return () => {
    let spec = specs.last?.group === group ? specs.last.spec : undefined;
    if (!spec) {
      const ids = group.articleIds.slice(0, inputs.options.limit);
      spec = feedSpec(inputs, group, ids, undefined, historyLinks(inputs.urls, group, layout));
      specs.last = { group, spec };
    }
    return renderFeed(format, spec, false);
  };
}

export function indexPage(
  ctx: PageContext,
  catalog: Catalog,
  newest: number,
  tags: readonly GroupLink[],
  authors: readonly GroupLink[],
): Render {
  return () =>
    renderIndexPage(ctx, {
      categories: catalog.categories,
      newest: catalog.articles.slice(0, newest),
      total: catalog.articles.length,
      tags,
      authors,
    });
}

export function categoryPage(
  ctx: PageContext,
  catalog: Catalog,
  category: Category,
  listed: readonly string[],
): Render {
  return () =>
    renderCategoryPage(ctx, { category, articles: listed.map((id) => catalog.byId.get(id)!) });
}

export function groupPage(
  ctx: PageContext,
  catalog: Catalog,
  group: SiteGroup,
  text: { readonly heading: string; readonly title: string },
  listed: readonly string[],
): Render {
  const { heading, title } = text;
  return () =>
    renderGroupPage(ctx, {
      heading,
      title,
      page: group.page,
      count: group.articleIds.length,
      articles: listed.map((id) => catalog.byId.get(id)!),
    });
}

export function opmlList(
  siteTitle: string,
  categories: readonly Category[],
  updated: Date,
  urls: Urls,
): Render {
  return () => renderOpml({ siteTitle, categories, updated, urls });
}
