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

/**
 * Every group of a catalog, placed. `before`: the groups of the Site whose catalog this one was
 * updated from (Catalog.change). A group whose article list is the very one it had is the same
 * object: the catalog gives a new list to every group an article of the change is in, so the
 * same list means the same articles, and everything the Site renders of that group stands.
 */
export function siteGroups(catalog: Catalog, before?: SiteGroups): SiteGroups {
  const known = new Map<string, SiteGroup>();
  if (before)
    for (const group of everyGroup(before)) known.set(`${group.kind}|${group.name}`, group);
  const place = (group: FeedGroup): SiteGroup => {
    const old = known.get(`${group.kind}|${group.name}`);
    return old && old.articleIds === group.articleIds && old.slug === group.slug
      ? old
      : placed(group);
  };
  return {
    all: placed(allGroup(catalog)),
    categories: categoryGroups(catalog).map(place),
    tags: tagGroups(catalog).map(place),
    authors: authorGroups(catalog).map(place),
  };
}

/** Every group, in the order the site lists their outputs. */
export function everyGroup(groups: SiteGroups): SiteGroup[] {
  return [groups.all, ...groups.categories, ...groups.tags, ...groups.authors];
}
