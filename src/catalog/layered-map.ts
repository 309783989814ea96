/**
 * A map that shares its entries with the map it was made from: a large base that is never
 * changed, plus the changes since (a small map, copied for each new version). Each catalog's
 * `byId` is one, so a change costs its own entries, not a copy of 100,000; the changes are folded
 * into a new base once they outgrow FOLD_AT. Iterates the base's entries then the changes'.
 */
const GONE = Symbol('gone');
const FOLD_AT = 4096;

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly changes: ReadonlyMap<K, V | typeof GONE>,
    readonly size: number,
  ) {}

  static of<K, V>(entries: Iterable<readonly [K, V]>): LayeredMap<K, V> {
    const base = new Map(entries);
    return new LayeredMap(base, new Map(), base.size);
  }

  /** A new version with these keys removed, then these entries set; this one stays as it is. */
  with(removed: Iterable<K>, added: Iterable<readonly [K, V]>): LayeredMap<K, V> {
    const changes = new Map(this.changes);
    let size = this.size;
    for (const key of removed) {
      if (this.has(key)) size--;
      changes.set(key, GONE);
    }
    for (const [key, value] of added) {
      const was = changes.has(key) ? changes.get(key) !== GONE : this.base.has(key);
      if (!was) size++;
      changes.set(key, value);
    }
    const next = new LayeredMap(this.base, changes, size);
    return changes.size > FOLD_AT ? LayeredMap.of(next) : next;
  }

  get(key: K): V | undefined {
    const changed = this.changes.get(key);
    if (changed !== undefined) return changed === GONE ? undefined : changed;
    return this.changes.has(key) ? undefined : this.base.get(key);
  }

  has(key: K): boolean {
    return this.changes.has(key) ? this.changes.get(key) !== GONE : this.base.has(key);
  }

  *entries(): MapIterator<[K, V]> {
    for (const entry of this.base) if (!this.changes.has(entry[0])) yield entry;
    for (const [key, value] of this.changes) if (value !== GONE) yield [key, value];
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
