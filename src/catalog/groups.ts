import { assignSlugs } from './slug.js';
import type { Catalog } from '../model.js';

/** Every set of articles that has its own feeds: all of them, each category, each tag, each author. */
export type GroupKind = 'all' | 'category' | 'tag' | 'author';

export interface FeedGroup {
  readonly kind: GroupKind;
  /** The category, tag or author as written; '' for all articles. */
  readonly name: string;
  /** '' for all articles. Where the group lives in the URL space is render's business (render/site-groups.ts). */
  readonly slug: string;
  /** Newest first. */
  readonly articleIds: readonly string[];
}

/** Groups by a field of the articles, each newest first (the catalog's order), with readable slugs. */
function groupsBy(
  catalog: Catalog,
  kind: 'tag' | 'author',
  namesOf: (a: Catalog['articles'][number]) => readonly string[],
): FeedGroup[] {
  const members = new Map<string, string[]>();
  for (const article of catalog.articles) {
    for (const name of namesOf(article)) {
      let ids = members.get(name);
      if (!ids) members.set(name, (ids = []));
      if (ids[ids.length - 1] !== article.id) ids.push(article.id);
    }
  }
  const slugs = assignSlugs(members.keys());
  return [...slugs].map(([name, slug]) => ({ kind, name, slug, articleIds: members.get(name)! }));
}

export function allGroup(catalog: Catalog): FeedGroup {
  return { kind: 'all', name: '', slug: '', articleIds: catalog.articles.map((a) => a.id) };
}

export function categoryGroups(catalog: Catalog): FeedGroup[] {
  return catalog.categories.map((c) => ({
    kind: 'category',
    name: c.name,
    slug: c.slug,
    articleIds: c.articleIds,
  }));
}

export function tagGroups(catalog: Catalog): FeedGroup[] {
  return groupsBy(catalog, 'tag', (a) => a.tags);
}

export function authorGroups(catalog: Catalog): FeedGroup[] {
  return groupsBy(catalog, 'author', (a) => (a.author ? [a.author] : []));
}
