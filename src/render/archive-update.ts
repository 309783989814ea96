import {
  archiveLayout,
  datedItems,
  firstBefore,
  split,
  yearLabel,
  yearOf,
  yearStart,
  type ArchiveLayout,
  type ArchivePeriod,
} from './archive.js';

interface Period {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/**
 * archiveLayout of a group's new `ids`, from its last layout and the dates (ms) of the articles
 * that came or left (of any group). A page whose period no such date falls in holds the same
 * articles as before, so it is the last layout's own object; only the periods that hold a changed
 * date are counted again (by bisection) and split, from the year down. One change costs a few
 * bisections and the pages it lands on, not a pass over its year (tens of thousands of articles
 * when a crawl's undated files all took the date of the first scan). Equal to archiveLayout's
 * result (tests/history/periods.test.ts).
 */
export function updatedLayout(
  last: ArchiveLayout,
  ids: readonly string[],
  timeOf: (id: string) => number,
  limit: number,
  pageSize: number,
  changed: readonly number[],
): ArchiveLayout {
  const whole = () => archiveLayout(ids, timeOf, limit, pageSize);
  if (ids.length <= limit || last.pages.length === 0) return whole();
  const lastYears = new Map<number, ArchivePeriod[]>();
  for (const page of last.pages) {
    const year = yearOf(page.label);
    if (year === undefined) return whole();
    const pages = lastYears.get(year);
    if (pages) pages.push(page);
    else lastYears.set(year, [page]);
  }
  const touched = new Set(changed.map((t) => new Date(t).getUTCFullYear()));
  const years = [...new Set([...lastYears.keys(), ...touched])].sort((a, b) => a - b);
  const plan: Array<{ year: number; kept?: ArchivePeriod[]; from: number; to: number }> = [];
  for (const year of years) {
    if (!touched.has(year)) {
      plan.push({ year, kept: lastYears.get(year)!, from: 0, to: 0 });
      continue;
    }
    const from = firstBefore(ids, timeOf, yearStart(year + 1));
    const to = firstBefore(ids, timeOf, yearStart(year));
    if (to > from) plan.push({ year, from, to });
  }
  // A lone year is split differently (a page needs a neighbour): then all of it again.
  const lone = plan.length === 1;
  if (lone !== (lastYears.size === 1)) return whole();
  const times = [...changed].sort((a, b) => a - b);
  const pages: ArchivePeriod[] = [];
  for (const { year, kept, from, to } of plan) {
    if (kept) {
      pages.push(...kept);
      continue;
    }
    const period = { start: yearStart(year), end: yearStart(year + 1), label: yearLabel(year) };
    if (lone) {
      const items = datedItems(ids, timeOf, from, to);
      split(items, 0, items.length, period, pageSize, true, pages);
      continue;
    }
    const before = new Map((lastYears.get(year) ?? []).map((p) => [p.label, p]));
    const node = { ids, timeOf, pageSize, times, before, out: pages };
    splitChanged(node, period, from, to);
  }
  return { pages, index: new Map(pages.map((p, i) => [p.label, i])) };
}

interface Node {
  readonly ids: readonly string[];
  readonly timeOf: (id: string) => number;
  readonly pageSize: number;
  /** The changed dates, ascending. */
  readonly times: readonly number[];
  /** The last layout's pages of this year, by label. */
  readonly before: ReadonlyMap<string, ArchivePeriod>;
  readonly out: ArchivePeriod[];
}

/**
 * archive.ts's split of ids[from, to) (newest first, all within the period), where a period
 * that holds no changed date gives the last layout's pages under its label as they were.
 */
function splitChanged(node: Node, period: Period, from: number, to: number): void {
  const { ids, timeOf, pageSize, out } = node;
  const count = to - from;
  if (count === 0) return;
  const unchanged = !holdsChange(node.times, period);
  if (unchanged) {
    // Its articles are as they were, so are its pages, unless it was part of a bigger page
    // then (a change beside it has split its parent since): then it has none of its own.
    const kept = pagesUnder(node.before, period.label);
    if (kept.length) {
      out.push(...kept);
      return;
    }
  }
  if (unchanged || count <= pageSize || period.end - period.start <= 1) {
    // A page, or one millisecond's chunks: the articles themselves decide, as archive.ts does.
    const items = datedItems(ids, timeOf, from, to);
    split(items, 0, items.length, period, pageSize, false, out);
    return;
  }
  const mid = period.start + Math.floor((period.end - period.start) / 2);
  // Newest first: the newer half [mid, end) comes first in ids, the older half (label 0) after.
  const cut = firstBefore(ids, timeOf, mid, from, to);
  const bits = period.label.includes('.') ? period.label : `${period.label}.`;
  splitChanged(node, { start: period.start, end: mid, label: `${bits}0` }, cut, to);
  splitChanged(node, { start: mid, end: period.end, label: `${bits}1` }, from, cut);
}

function holdsChange(times: readonly number[], period: Period): boolean {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (times[m]! < period.start) lo = m + 1;
    else hi = m;
  }
  return lo < times.length && times[lo]! < period.end;
}

/** The pages at `label` or below it (`2024.0` → `2024.0`, `2024.01`, `2024.0-1`), oldest first. */
function pagesUnder(before: ReadonlyMap<string, ArchivePeriod>, label: string): ArchivePeriod[] {
  const bits = label.includes('.') ? label : `${label}.`;
  const pages: ArchivePeriod[] = [];
  for (const [at, page] of before) {
    if (at === label || at.startsWith(`${label}-`) || (at.startsWith(bits) && at !== bits))
      pages.push(page);
  }
  return pages;
}
