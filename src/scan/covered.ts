import { compareStrings } from './walk.js';

/**
 * A sorted listing with some of its paths looked at again: what `previous` (sorted by `key`)
 * holds outside the `covered` paths, merged with what was `found` there (sorted, all inside them),
 * and what was dropped. A path covers itself and everything under it (`dir` covers `dir/`, a
 * refused directory, and `dir/a.md`). Linear in the listing, with no sort: the paths under one
 * prefix are one run of a sorted list, found by binary search.
 */
export function replaceCovered<T>(
  previous: readonly T[],
  covered: readonly string[],
  found: readonly T[],
  key: (item: T) => string,
): { next: T[]; dropped: T[] } {
  const runs: Array<[from: number, to: number]> = [];
  for (const path of covered) {
    const at = lowerBound(previous, path, key);
    if (at < previous.length && key(previous[at]!) === path) runs.push([at, at + 1]);
    // Everything starting `path/`: from `path/` up to `path0` ('0' follows '/').
    runs.push([lowerBound(previous, `${path}/`, key), lowerBound(previous, `${path}0`, key)]);
  }
  runs.sort((a, b) => a[0] - b[0]);
  const kept: T[] = [];
  const dropped: T[] = [];
  let i = 0;
  for (const [from, to] of runs) {
    for (; i < from; i++) kept.push(previous[i]!);
    for (; i < to; i++) dropped.push(previous[i]!);
  }
  for (; i < previous.length; i++) kept.push(previous[i]!);
  return { next: mergeSorted(kept, found, key), dropped };
}

function lowerBound<T>(items: readonly T[], path: string, key: (item: T) => string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareStrings(key(items[mid]!), path) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeSorted<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
  if (b.length === 0) return a as T[];
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length)
    out.push(compareStrings(key(a[i]!), key(b[j]!)) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
