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

/** Where `item` goes: after any equal items, as a stable sort would place a later one. */
function insertionPoint<T>(list: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let at = lowerBound(list, item, compare);
  while (at < list.length && compare(list[at]!, item) === 0) at++;
  return at;
}

/** The index of this very item (by identity, among equal ones), or -1. */
function indexOfSorted<T>(list: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  for (let i = lowerBound(list, item, compare); i < list.length; i++) {
    if (list[i] === item) return i;
    if (compare(list[i]!, item) !== 0) break;
  }
  return -1;
}

/** Inserts after any equal items, as a stable sort would place a later one. */
export function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  list.splice(insertionPoint(list, item, compare), 0, item);
}

/** Removes this very item (among equal ones, by identity); false if it is not there. */
export function removeSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): boolean {
  const at = indexOfSorted(list, item, compare);
  if (at >= 0) list.splice(at, 1);
  return at >= 0;
}

/** `list` with `item` where insertSorted puts it, as a new array of its exact length. */
export function insertedSorted<T>(
  list: readonly T[],
  item: T,
  compare: (a: T, b: T) => number,
): T[] {
  return list.toSpliced(insertionPoint(list, item, compare), 0, item);
}

/** `list` without this very item, as a new array of its exact length; `list` if it is not there. */
export function removedSorted<T>(
  list: readonly T[],
  item: T,
  compare: (a: T, b: T) => number,
): readonly T[] {
  const at = indexOfSorted(list, item, compare);
  return at >= 0 ? list.toSpliced(at, 1) : list;
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

/**
 * applySorted, with a second array kept in step: `projected[i]` is `project(list[i])`, and so is
 * the result's. A few changes move both by search and splice, so the projection of 100,000 items
 * is not made again for each change.
 */
export function applySortedWith<T, U>(
  list: readonly T[],
  projected: readonly U[],
  removed: readonly T[],
  added: readonly T[],
  compare: (a: T, b: T) => number,
  project: (item: T) => U,
): { list: T[]; projected: U[] } {
  if (removed.length + added.length > SORT_AFTER) {
    const next = applySorted(list, removed, added, compare);
    return { list: next, projected: next.map(project) };
  }
  const out = list.slice();
  const outProjected = projected.slice();
  for (const item of removed) {
    const at = indexOfSorted(out, item, compare);
    if (at < 0) continue;
    out.splice(at, 1);
    outProjected.splice(at, 1);
  }
  for (const item of added) {
    const at = insertionPoint(out, item, compare);
    out.splice(at, 0, item);
    outProjected.splice(at, 0, project(item));
  }
  return { list: out, projected: outProjected };
}
