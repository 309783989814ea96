/**
 * Arrays kept in order by binary search, so that one change costs a search and a move, never a
 * sort of everything.
 */

/** The first index whose item does not come before `item` (all of `list` ordered by `compare`). */
export function lowerBound<T>(
  list: readonly T[],
  item: T,
  compare: (a: T, b: T) => number,
): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(list[mid]!, item) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Inserts after any equal items, as a stable sort would place a later one. */
export function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let low = lowerBound(list, item, compare);
  while (low < list.length && compare(list[low]!, item) === 0) low++;
  list.splice(low, 0, item);
}

/** Removes this very item (among equal ones, by identity); false if it is not there. */
export function removeSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): boolean {
  for (let i = lowerBound(list, item, compare); i < list.length; i++) {
    if (list[i] === item) {
      list.splice(i, 1);
      return true;
    }
    if (compare(list[i]!, item) !== 0) break;
  }
  return false;
}

/** Past this many changes, one sort costs less than moving the list once per change. */
const SORT_AFTER = 64;

/**
 * `list` without `removed` (by identity) and with `added`, in order: searched and moved one by one
 * for a few changes, sorted once for many (the first build). `list` itself is not changed.
 */
export function applySorted<T>(
  list: readonly T[],
  removed: readonly T[],
  added: readonly T[],
  compare: (a: T, b: T) => number,
): T[] {
  if (removed.length + added.length > SORT_AFTER) {
    const gone = new Set(removed);
    return [...list.filter((item) => !gone.has(item)), ...added].sort(compare);
  }
  const out = list.slice();
  for (const item of removed) removeSorted(out, item, compare);
  for (const item of added) insertSorted(out, item, compare);
  return out;
}
