import { authorGroups, tagGroups, type FeedGroup } from '../catalog/groups.js';
import type { Article, Catalog } from '../model.js';

/**
 * The articles some feed shows: the newest `limit` of all, and of each category, tag and author.
 * Their bodies are the ones worth keeping in memory (feeds carry bodies and are rendered eagerly);
 * any other body is read again when its article's page is asked for.
 */
export function hotArticles(
  catalog: Catalog,
  limit: number,
  groups: { readonly tags: readonly FeedGroup[]; readonly authors: readonly FeedGroup[] } = {
    tags: tagGroups(catalog),
    authors: authorGroups(catalog),
  },
): Article[] {
  const hot = new Set(catalog.articles.slice(0, limit));
  for (const group of [...catalog.categories, ...groups.tags, ...groups.authors])
    for (const id of group.articleIds.slice(0, limit)) hot.add(catalog.byId.get(id)!);
  return [...hot];
}
