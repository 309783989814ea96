import { assignSlugs, baseSlug } from './slug.js';

/**
 * assignSlugs kept up to date as names come and go. Among names that slug alike, assignSlugs
 * gives the bare slug to the first by priority and `-<hash of name>` to the rest; names that slug
 * differently never meet, unless some name's bare slug itself looks hashed (`…-1a2b3c4d`,
 * `…-1a2b3c4d-2`). So a change assigns again only the names that slug like the ones it adds or
 * removes, and all of them while a hashed-looking one exists.
 */
const LOOKS_HASHED = /-[0-9a-f]{8}(-\d+)?$/;

export class SlugIndex {
  private readonly baseOf = new Map<string, string>();
  private readonly byBase = new Map<string, Set<string>>();
  private readonly slugs = new Map<string, string>();
  private hashedLooking = 0;

  /** After these names came and went: every name's slug, and the names whose slug was assigned again. */
  update(
    gone: Iterable<string>,
    came: Iterable<string>,
  ): { slugs: ReadonlyMap<string, string>; again: string[] } {
    const bases = new Set<string>();
    for (const name of gone) {
      const base = this.baseOf.get(name)!;
      this.baseOf.delete(name);
      this.slugs.delete(name);
      const group = this.byBase.get(base)!;
      group.delete(name);
      if (group.size === 0) this.byBase.delete(base);
      if (LOOKS_HASHED.test(base)) this.hashedLooking--;
      bases.add(base);
    }
    for (const name of came) {
      const base = baseSlug(name);
      this.baseOf.set(name, base);
      const group = this.byBase.get(base);
      if (group) group.add(name);
      else this.byBase.set(base, new Set([name]));
      if (LOOKS_HASHED.test(base)) this.hashedLooking++;
      bases.add(base);
    }
    const again =
      this.hashedLooking > 0
        ? assignSlugs(this.baseOf.keys())
        : [...bases].flatMap((base) => [...assignSlugs(this.byBase.get(base) ?? [])]);
    for (const [name, slug] of again) this.slugs.set(name, slug);
    return { slugs: this.slugs, again: [...again].map(([name]) => name) };
  }
}
