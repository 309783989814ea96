import { assignSlugs } from './slug.js';
import type { Catalog, Category } from '../model.js';

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
export function groupsByName(
  articles: Catalog['articles'],
  namesOf: (a: Catalog['articles'][number]) => readonly string[],
): Category[] {
  const members = new Map<string, string[]>();
  for (const article of articles) {
    for (const name of namesOf(article)) {
      let ids = members.get(name);
      if (!ids) members.set(name, (ids = []));
      if (ids[ids.length - 1] !== article.id) ids.push(article.id);
    }
  }
  const slugs = assignSlugs(members.keys());
  return [...slugs].map(([name, slug]) => ({ name, slug, articleIds: members.get(name)! }));
}

export const tagsOf = (a: Catalog['articles'][number]) => a.tags;
export const authorsOf = (a: Catalog['articles'][number]) => (a.author ? [a.author] : []);

const asGroups = (kind: 'tag' | 'author', groups: readonly Category[]): FeedGroup[] =>
  groups.map((g) => ({ kind, name: g.name, slug: g.slug, articleIds: g.articleIds }));

export function allGroup(catalog: Catalog): FeedGroup {
  const articleIds = catalog.articleIds ?? catalog.articles.map((a) => a.id);
  return { kind: 'all', name: '', slug: '', articleIds };
}

export function categoryGroups(catalog: Catalog): FeedGroup[] {
  return catalog.categories.map((c) => ({
    kind: 'category',
    name: c.name,
    slug: c.slug,
    articleIds: c.articleIds,
  }));
}

/** The catalog's own (kept up to date by the builder), or derived from its articles. */
export function tagGroups(catalog: Catalog): FeedGroup[] {
  return asGroups('tag', catalog.tags ?? groupsByName(catalog.articles, tagsOf));
}

export function authorGroups(catalog: Catalog): FeedGroup[] {
  return asGroups('author', catalog.authors ?? groupsByName(catalog.articles, authorsOf));
}
