/** Past this many names the tables start again: names of long-gone articles are not kept for ever. */
const MOST_NAMES = 100_000;

const NONE: readonly string[] = [];

/**
 * One string per category, tag or author name, and one array per list of one or two names, shared
 * by every draft that has them. A draft that comes back from a parse worker brings its own copies
 * of each (structured clone): at 100,000 articles of a few dozen names, ~0.3 KB per article of
 * strings and arrays that say the same thing.
 */
export class SharedNames {
  private readonly names = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();

  name(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    if (this.names.size >= MOST_NAMES) this.names.clear();
    this.names.set(name, name);
    return name;
  }

  /** Longer lists are rare and mostly distinct: their names are shared, the array is not. */
  list(names: readonly string[]): readonly string[] {
    if (names.length === 0) return NONE;
    if (names.length > 2) return names.map((n) => this.name(n));
    const key = names.join('\0');
    const known = this.lists.get(key);
    if (known) return known;
    if (this.lists.size >= MOST_NAMES) this.lists.clear();
    const list = names.map((n) => this.name(n));
    this.lists.set(key, list);
    return list;
  }
}
