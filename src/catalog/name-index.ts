import type { Article, Category } from '../model.js';
import { compareStrings } from '../scan/walk.js';
import { newestFirst } from './catalog.js';
import { SlugIndex } from './slug-index.js';
import { applySortedWith, insertSorted, removeSorted } from './sorted.js';

/**
 * A group's article ids from its members' ids (one each, in order). Tags and authors list an id
 * next to itself once, as groupsByName does (two articles can share an id for one build: see
 * CatalogIndex's guid check); categories list every article, as buildCatalog does. Without such a
 * pair, the list is the members' own (no copy of a 30,000-article category per change).
 */
function idsOf(memberIds: readonly string[], collapse: boolean): readonly string[] {
  if (!collapse) return memberIds;
  let i = 1;
  while (i < memberIds.length && memberIds[i] !== memberIds[i - 1]) i++;
  if (i >= memberIds.length) return memberIds;
  const ids = memberIds.slice(0, i);
  for (; i < memberIds.length; i++)
    if (ids[ids.length - 1] !== memberIds[i]) ids.push(memberIds[i]!);
  return ids;
}

const idOf = (article: Article) => article.id;

/**
 * Articles grouped by a field (categories, tags, the author) as buildCatalog lists them: by name,
 * each with its articles newest first, with slugs. Kept up to date: a change moves its articles
 * in and out of their own groups' lists; the other groups are the same objects as before, and
 * only names that slug like a name that came or went get their slug assigned again.
 */
export class NameIndex {
  private readonly members = new Map<string, readonly Article[]>();
  /** Each name's members' ids, in step with `members`. */
  private readonly memberIds = new Map<string, readonly string[]>();
  private readonly names: string[] = [];
  private readonly slugIndex = new SlugIndex();
  private readonly groups = new Map<string, Category>();
  private list: readonly Category[] = [];

  constructor(
    private readonly namesOf: (article: Article) => readonly string[],
    private readonly collapseIds = true,
  ) {}

  update(gone: readonly Article[], came: readonly Article[]): readonly Category[] {
    const leaving = this.byName(gone);
    const joining = this.byName(came);
    const touched = new Set([...leaving.keys(), ...joining.keys()]);
    if (touched.size === 0) return this.list;
    const left: string[] = [];
    const arrived: string[] = [];
    for (const name of touched) {
      const before = this.members.get(name) ?? [];
      const { list: after, projected: afterIds } = applySortedWith(
        before,
        this.memberIds.get(name) ?? [],
        leaving.get(name) ?? [],
        joining.get(name) ?? [],
        newestFirst,
        idOf,
      );
      if (after.length) {
        this.members.set(name, after);
        this.memberIds.set(name, afterIds);
      } else {
        this.members.delete(name);
        this.memberIds.delete(name);
      }
      if (before.length && !after.length) left.push(name);
      if (!before.length && after.length) arrived.push(name);
    }
    for (const name of left) removeSorted(this.names, name, compareStrings);
    for (const name of arrived) insertSorted(this.names, name, compareStrings);
    for (const name of left) this.groups.delete(name);
    const { slugs, again } = this.slugIndex.update(left, arrived);
    for (const name of new Set([...touched, ...again])) {
      const memberIds = this.memberIds.get(name);
      if (!memberIds) continue;
      const known = this.groups.get(name);
      const slug = slugs.get(name)!;
      if (known && known.slug === slug && !touched.has(name)) continue;
      const articleIds =
        known && !touched.has(name) ? known.articleIds : idsOf(memberIds, this.collapseIds);
      this.groups.set(name, { name, slug, articleIds });
    }
    this.list = this.names.map((name) => this.groups.get(name)!);
    return this.list;
  }

  private byName(articles: readonly Article[]): Map<string, Article[]> {
    const out = new Map<string, Article[]>();
    for (const article of articles) {
      for (const name of new Set(this.namesOf(article))) {
        const list = out.get(name);
        if (list) list.push(article);
        else out.set(name, [article]);
      }
    }
    return out;
  }
}
