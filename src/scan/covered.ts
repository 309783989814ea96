import { compareStrings } from './walk.js';

/**
 * A sorted listing with some of its paths looked at again: what `previous` (sorted by `key`)
 * holds outside the `covered` paths, merged with what was `found` there (sorted, all inside them),
 * and what was dropped. A path covers itself and everything under it (`dir` covers `dir/`, a
 * refused directory, and `dir/a.md`). Linear in the listing (copied by slices), with no sort: the paths under one
 * prefix are one run of a sorted list, found by binary search.
 */
export function replaceCovered<T>(
  previous: readonly T[],
  covered: readonly string[],
  found: readonly T[],
  key: (item: T) => string,
): { next: T[]; dropped: T[] } {
  // Slices, not a push per item: a watcher's one path keeps 100,000 items in two copies.
  const keptParts: T[][] = [];
  const dropped: T[] = [];
  let i = 0;
  for (const [from, to] of coveredRuns(previous, covered, key)) {
    if (from > i) keptParts.push(previous.slice(i, from));
    for (i = Math.max(i, from); i < to; i++) dropped.push(previous[i]!);
  }
  keptParts.push(previous.slice(i));
  const kept = keptParts.length === 1 ? keptParts[0]! : ([] as T[]).concat(...keptParts);
  return { next: mergeSorted(kept, found, key), dropped };
}

/** What replaceCovered would drop, without making the rest: the items the covered paths cover. */
export function coveredItems<T>(
  previous: readonly T[],
  covered: readonly string[],
  key: (item: T) => string,
): T[] {
  const items: T[] = [];
  let i = 0;
  for (const [from, to] of coveredRuns(previous, covered, key))
    for (i = Math.max(i, from); i < to; i++) items.push(previous[i]!);
  return items;
}

/** The index ranges of `previous` the covered paths cover, in order (they may overlap). */
function coveredRuns<T>(
  previous: readonly T[],
  covered: readonly string[],
  key: (item: T) => string,
): Array<[from: number, to: number]> {
  const runs: Array<[from: number, to: number]> = [];
  for (const path of covered) {
    const at = lowerBound(previous, path, key);
    if (at < previous.length && key(previous[at]!) === path) runs.push([at, at + 1]);
    // Everything starting `path/`: from `path/` up to `path0` ('0' follows '/').
    runs.push([lowerBound(previous, `${path}/`, key), lowerBound(previous, `${path}0`, key)]);
  }
  return runs.sort((a, b) => a[0] - b[0]);
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

/** `a` and `b` merged; when `b` is small, each of its items is placed by binary search in `a`. */
function mergeSorted<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
  if (b.length === 0) return a as T[];
  if (b.length * 32 < a.length) {
    const parts: T[][] = [];
    let from = 0;
    for (const item of b) {
      // After any equal key in `a`, as the linear merge below places it.
      const at = upperBound(a, key(item), key, from);
      parts.push(a.slice(from, at), [item]);
      from = at;
    }
    parts.push(a.slice(from));
    return ([] as T[]).concat(...parts);
  }
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length)
    out.push(compareStrings(key(a[i]!), key(b[j]!)) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

function upperBound<T>(items: readonly T[], path: string, key: (item: T) => string, lo: number) {
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareStrings(key(items[mid]!), path) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
