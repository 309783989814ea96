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
function yearStart(year: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, 0, 1);
  return date.getTime();
}

interface Dated {
  readonly id: string;
  readonly time: number;
}

/**
 * `items` (oldest first, all within [start, end)) as pages, oldest first. `only`: these are
 * all of the archive's articles, so one page alone would have no neighbour.
 */
function split(
  items: readonly Dated[],
  start: number,
  end: number,
  label: string,
  pageSize: number,
  only: boolean,
  out: ArchivePeriod[],
): void {
  const tooBig = items.length > pageSize || (only && items.length >= 2);
  if (!tooBig) {
    out.push({ label, ids: items.map((d) => d.id).reverse() });
    return;
  }
  if (end - start > 1) {
    const mid = start + Math.floor((end - start) / 2);
    const cut = items.findIndex((d) => d.time >= mid);
    const older = cut === -1 ? items : items.slice(0, cut);
    const newer = cut === -1 ? [] : items.slice(cut);
    const bits = label.includes('.') ? label : `${label}.`;
    const alone = only && (older.length === 0 || newer.length === 0);
    if (older.length) split(older, start, mid, `${bits}0`, pageSize, alone, out);
    if (newer.length) split(newer, mid, end, `${bits}1`, pageSize, alone, out);
    return;
  }
  // One millisecond: the order among equal dates (the catalog's) is all there is.
  const size = items.length > pageSize ? pageSize : Math.ceil(items.length / 2);
  for (let from = 0, k = 0; from < items.length; from += size, k++)
    out.push({
      label: `${label}-${k}`,
      ids: items
        .slice(from, from + size)
        .map((d) => d.id)
        .reverse(),
    });
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
  const years = new Map<number, Dated[]>();
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i]!;
    const time = timeOf(id);
    const year = new Date(time).getUTCFullYear();
    let items = years.get(year);
    if (!items) years.set(year, (items = []));
    items.push({ id, time });
  }
  const pages: ArchivePeriod[] = [];
  const only = years.size === 1;
  for (const year of [...years.keys()].sort((a, b) => a - b)) {
    const items = years.get(year)!;
    // Oldest first; equal dates keep the group's order, reversed like the rest (a stable sort).
    items.sort((a, b) => a.time - b.time);
    const label = String(year).padStart(4, '0');
    split(items, yearStart(year), yearStart(year + 1), label, pageSize, only, pages);
  }
  return { pages, index: new Map(pages.map((p, i) => [p.label, i])) };
}
