import type { Article, Category } from '../model.js';
import { newestFirst } from './catalog.js';
import { assignSlugs } from './slug.js';
import { applySorted } from './sorted.js';

/**
 * The categories as buildCatalog lists them (by name, each with its articles newest first), kept
 * up to date: a change moves its articles in and out of their own categories' lists, and the
 * other categories are the same objects as before. Slugs are assigned again only when a name
 * comes or goes (a slug depends on the other names).
 */
export class CategoryIndex {
  private readonly members = new Map<string, readonly Article[]>();
  private categories: readonly Category[] = [];

  update(gone: readonly Article[], came: readonly Article[]): readonly Category[] {
    const leaving = byCategory(gone);
    const joining = byCategory(came);
    const touched = new Set([...leaving.keys(), ...joining.keys()]);
    if (touched.size === 0) return this.categories;
    let namesChanged = false;
    for (const name of touched) {
      const before = this.members.get(name) ?? [];
      const list = applySorted(
        before,
        leaving.get(name) ?? [],
        joining.get(name) ?? [],
        newestFirst,
      );
      if (list.length === 0) this.members.delete(name);
      else this.members.set(name, list);
      if ((before.length === 0) !== (list.length === 0)) namesChanged = true;
    }
    const category = (name: string, slug: string): Category => ({
      name,
      slug,
      articleIds: this.members.get(name)!.map((a) => a.id),
    });
    if (namesChanged) {
      const last = new Map(this.categories.map((c) => [c.name, c]));
      this.categories = [...assignSlugs(this.members.keys())].map(([name, slug]) => {
        const known = last.get(name);
        return known && known.slug === slug && !touched.has(name) ? known : category(name, slug);
      });
    } else {
      this.categories = this.categories.map((c) =>
        touched.has(c.name) ? category(c.name, c.slug) : c,
      );
    }
    return this.categories;
  }
}

function byCategory(articles: readonly Article[]): Map<string, Article[]> {
  const out = new Map<string, Article[]>();
  for (const article of articles) {
    for (const name of article.categories) {
      const list = out.get(name);
      if (list) list.push(article);
      else out.set(name, [article]);
    }
  }
  return out;
}
