import {
  allGroup,
  authorGroups,
  categoryGroups,
  tagGroups,
  type FeedGroup,
} from '../catalog/groups.js';
import type { Catalog } from '../model.js';
import { paths } from './urls.js';

/** A group placed in the URL space. */
export interface SiteGroup extends FeedGroup {
  /** The group's HTML page (ends with `/`); its feeds and archive live under it. */
  readonly page: string;
}

const PAGE_OF: Record<FeedGroup['kind'], (slug: string) => string> = {
  all: () => paths.index,
  category: paths.category,
  tag: paths.tag,
  author: paths.author,
};

function placed(group: FeedGroup): SiteGroup {
  return { ...group, page: PAGE_OF[group.kind](group.slug) };
}

/** Every group of a catalog with its page. */
export interface SiteGroups {
  readonly all: SiteGroup;
  readonly categories: readonly SiteGroup[];
  readonly tags: readonly SiteGroup[];
  readonly authors: readonly SiteGroup[];
}

export function siteGroups(catalog: Catalog): SiteGroups {
  return {
    all: placed(allGroup(catalog)),
    categories: categoryGroups(catalog).map(placed),
    tags: tagGroups(catalog).map(placed),
    authors: authorGroups(catalog).map(placed),
  };
}

/** Every group, in the order the site lists their outputs. */
export function everyGroup(groups: SiteGroups): SiteGroup[] {
  return [groups.all, ...groups.categories, ...groups.tags, ...groups.authors];
}
