/**
 * RFC 5005 §4 archived feeds, as pure arithmetic over a group's articles (newest first).
 *
 * A group with more articles than the current feed shows has an archive. Its pages are periods
 * of the articles' own dates: one page per calendar year (UTC) that has an article of the
 * group, holding every article of that year, including those the current feed shows too
 * (a reader walking the archive merges entries by id). Which page an article is on depends only on
 * its own date and the other articles of its year: adding or removing one changes its own
 * page (and, if its page appears, empties or splits, its neighbours' links), never another's.
 * Cold and incremental builds, and two replicas of one seeds directory, agree page for page.
 *
 * A year with more than `pageSize` articles is halved in time, again while a half is still too
 * big (`2024.0`, `2024.01`, …: older half 0); articles sharing one millisecond past that are cut
 * in chunks from the oldest (`…-0`, `…-1`). The archive's only page is split the same way when
 * it has two articles or more, so that every page has a neighbour to link to. Years, not months:
 * a sparse group (a category with a few articles a month) keeps a few full pages, not many
 * small ones.
 */
export const DEFAULT_ARCHIVE_PAGE_SIZE = 100;

export interface ArchivePeriod {
  /** The page's name in its URL: `YYYY`, then `.` and halving bits, then `-` and a chunk number. */
  readonly label: string;
  /** Its articles, newest first. */
  readonly ids: readonly string[];
}

export interface ArchiveLayout {
  /** Oldest first; empty when the group has no archive. */
  readonly pages: readonly ArchivePeriod[];
  /** Index in `pages` by label. */
  readonly index: ReadonlyMap<string, number>;
}

export const NO_ARCHIVE: ArchiveLayout = { pages: [], index: new Map() };

/** A page label as it appears in a URL. */
export const ARCHIVE_LABEL = /^\d{4,6}(?:\.[01]{1,48})?(?:-(?:0|[1-9]\d{0,5}))?$/;

/** Date.UTC would read years 0–99 as 1900–1999. */
export function yearStart(year: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, 0, 1);
  return date.getTime();
}

export interface Dated {
  readonly id: string;
  readonly time: number;
}

/** The ids of items[from, to), newest first. */
function idsOf(items: readonly Dated[], from: number, to: number): string[] {
  const ids: string[] = [];
  for (let i = to - 1; i >= from; i--) ids.push(items[i]!.id);
  return ids;
}

/** The first index in [from, to) whose time is at least `time` (items oldest first). */
function lowerBound(items: readonly Dated[], from: number, to: number, time: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (items[m]!.time < time) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * items[from, to) (oldest first, all within [start, end)) as pages, oldest first. `only`: these
 * are all of the archive's articles, so one page alone would have no neighbour.
 */
export function split(
  items: readonly Dated[],
  from: number,
  to: number,
  period: { readonly start: number; readonly end: number; readonly label: string },
  pageSize: number,
  only: boolean,
  out: ArchivePeriod[],
): void {
  const { start, end, label } = period;
  const count = to - from;
  if (count <= pageSize && !(only && count >= 2)) {
    out.push({ label, ids: idsOf(items, from, to) });
    return;
  }
  if (end - start > 1) {
    const mid = start + Math.floor((end - start) / 2);
    const cut = lowerBound(items, from, to, mid);
    const bits = label.includes('.') ? label : `${label}.`;
    const alone = only && (cut === from || cut === to);
    if (cut > from)
      split(items, from, cut, { start, end: mid, label: `${bits}0` }, pageSize, alone, out);
    if (to > cut)
      split(items, cut, to, { start: mid, end, label: `${bits}1` }, pageSize, alone, out);
    return;
  }
  // One millisecond: the order among equal dates (the catalog's) is all there is.
  const size = count > pageSize ? pageSize : Math.ceil(count / 2);
  for (let at = from, k = 0; at < to; at += size, k++)
    out.push({ label: `${label}-${k}`, ids: idsOf(items, at, Math.min(at + size, to)) });
}

/** The items of ids[from, to) (newest first) as Dated, oldest first, equal dates reversed too. */
export function datedItems(
  ids: readonly string[],
  timeOf: (id: string) => number,
  from: number,
  to: number,
): Dated[] {
  const items: Dated[] = [];
  for (let i = to - 1; i >= from; i--) items.push({ id: ids[i]!, time: timeOf(ids[i]!) });
  // Oldest first; equal dates keep the group's order, reversed like the rest (a stable sort,
  // linear on the catalog's newest-first order).
  return items.sort((a, b) => a.time - b.time);
}

/** The first index of `ids` (newest first) in [lo, hi) whose date is before `time`. */
export function firstBefore(
  ids: readonly string[],
  timeOf: (id: string) => number,
  time: number,
  lo = 0,
  hi = ids.length,
): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (timeOf(ids[m]!) >= time) lo = m + 1;
    else hi = m;
  }
  return lo;
}

export const yearLabel = (year: number) => String(year).padStart(4, '0');

/** The year a page label begins with; undefined if it does not read back as one. */
export function yearOf(label: string): number | undefined {
  const year = Number.parseInt(label, 10);
  return Number.isInteger(year) && label.startsWith(yearLabel(year)) ? year : undefined;
}

/**
 * The archive of a group whose `ids` are newest first, `timeOf` giving each one's date (ms):
 * none when the current feed (`limit`) shows them all.
 */
export function archiveLayout(
  ids: readonly string[],
  timeOf: (id: string) => number,
  limit: number,
  pageSize: number,
): ArchiveLayout {
  if (ids.length <= limit) return NO_ARCHIVE;
  const items = datedItems(ids, timeOf, 0, ids.length);
  const years: Array<{ start: number; end: number; label: string; from: number; to: number }> = [];
  for (let i = 0; i < items.length;) {
    const year = new Date(items[i]!.time).getUTCFullYear();
    const end = yearStart(year + 1);
    const to = lowerBound(items, i, items.length, end);
    const label = yearLabel(year);
    years.push({ start: yearStart(year), end, label, from: i, to });
    i = to;
  }
  const pages: ArchivePeriod[] = [];
  for (const year of years)
    split(items, year.from, year.to, year, pageSize, years.length === 1, pages);
  return { pages, index: new Map(pages.map((p, i) => [p.label, i])) };
}
