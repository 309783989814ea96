/**
 * Archive pages as periods of the articles' own dates (render/archive.ts): where each article's
 * page is depends on its date and its year's articles only, so a delete or an old-dated add
 * changes its own page and no other.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { archiveLayout, ARCHIVE_LABEL, type ArchiveLayout } from '../../src/render/archive.js';
import { updatedLayout } from '../../src/render/archive-update.js';

interface Item {
  readonly id: string;
  readonly time: number;
}

const at = (iso: string, id = iso): Item => ({ id, time: Date.parse(iso) });

/** The layout of `items` (any order) as the Site makes it: ids newest first. */
function layout(items: readonly Item[], limit = 1, pageSize = 4): ArchiveLayout {
  const sorted = [...items].sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1));
  const times = new Map(sorted.map((i) => [i.id, i.time]));
  return archiveLayout(
    sorted.map((i) => i.id),
    (id) => times.get(id)!,
    limit,
    pageSize,
  );
}

const pagesOf = (l: ArchiveLayout) => l.pages.map((p) => `${p.label}: ${p.ids.join(' ')}`);

/** Four articles a year, 2019 to 2024, on January 3, April 10, July 17 and October 24. */
const SIX_YEARS = Array.from({ length: 24 }, (_, i) =>
  at(`${2019 + Math.floor(i / 4)}-${['01-03', '04-10', '07-17', '10-24'][i % 4]}T12:00:00Z`),
);

describe('archive periods', () => {
  it('no archive while the current feed shows every article', () => {
    expect(layout(SIX_YEARS.slice(0, 3), 3).pages).toEqual([]);
  });

  it('one page per year, oldest year first, newest first within, current-feed articles included', () => {
    const l = layout(SIX_YEARS.slice(0, 9), 2);
    expect(pagesOf(l)).toEqual([
      '2019: 2019-10-24T12:00:00Z 2019-07-17T12:00:00Z 2019-04-10T12:00:00Z 2019-01-03T12:00:00Z',
      '2020: 2020-10-24T12:00:00Z 2020-07-17T12:00:00Z 2020-04-10T12:00:00Z 2020-01-03T12:00:00Z',
      '2021: 2021-01-03T12:00:00Z',
    ]);
    expect(l.index.get('2020')).toBe(1);
    for (const page of l.pages) expect(page.label).toMatch(ARCHIVE_LABEL);
  });

  it('years are UTC calendar years, years before 100 included', () => {
    const l = layout([
      at('2023-12-31T23:59:59.999Z', 'a'),
      at('2024-01-01T00:00:00Z', 'b'),
      at('0099-06-01T00:00:00Z', 'c'),
    ]);
    expect(pagesOf(l)).toEqual(['0099: c', '2023: a', '2024: b']);
  });

  it('a year with more articles than a page holds is halved in time until each part fits', () => {
    const year = Array.from({ length: 10 }, (_, i) =>
      at(`2024-${String(i + 1).padStart(2, '0')}-01T00:00:00Z`),
    );
    const l = layout([...year, at('2025-04-02T00:00:00Z')], 1, 4);
    // Halves of 2024 at July 2 (leap year), of its first half at April 1, 12:00.
    expect(pagesOf(l)).toEqual([
      '2024.00: 2024-04-01T00:00:00Z 2024-03-01T00:00:00Z 2024-02-01T00:00:00Z 2024-01-01T00:00:00Z',
      '2024.01: 2024-07-01T00:00:00Z 2024-06-01T00:00:00Z 2024-05-01T00:00:00Z',
      '2024.1: 2024-10-01T00:00:00Z 2024-09-01T00:00:00Z 2024-08-01T00:00:00Z',
      '2025: 2025-04-02T00:00:00Z',
    ]);
    for (const page of l.pages) expect(page.label).toMatch(ARCHIVE_LABEL);
  });

  it('articles sharing one millisecond past a page are cut in chunks from the oldest', () => {
    const same = Array.from({ length: 9 }, (_, i) => at('2024-05-05T05:05:05Z', `s${i}`));
    const l = layout([at('2023-04-01T00:00:00Z', 'before'), ...same], 1, 4);
    const chunks = l.pages.filter((p) => p.label.startsWith('2024'));
    expect(chunks.map((p) => p.ids.length)).toEqual([4, 4, 1]);
    const stem = chunks[0]!.label.slice(0, -2);
    expect(chunks.map((p) => p.label)).toEqual([`${stem}-0`, `${stem}-1`, `${stem}-2`]);
    expect(new Set(chunks.flatMap((p) => p.ids))).toEqual(new Set(same.map((s) => s.id)));
    for (const page of l.pages) expect(page.label).toMatch(ARCHIVE_LABEL);
  });

  it('an archive of one year is split so that its pages link to each other', () => {
    const l = layout([at('2024-07-02T00:00:00Z', 'a'), at('2024-07-20T00:00:00Z', 'b')], 1);
    expect(l.pages.map((p) => p.ids)).toEqual([['a'], ['b']]);
    const same = layout([at('2024-07-02T00:00:00Z', 'a'), at('2024-07-02T00:00:00Z', 'b')], 1);
    expect(same.pages).toHaveLength(2);
    for (const page of [...l.pages, ...same.pages]) expect(page.label).toMatch(ARCHIVE_LABEL);
  });

  it('stable: deleting an article or adding an old one changes its own page only', () => {
    const big = (items: readonly Item[]) => pagesOf(layout(items, 1, 8));
    const before = big(SIX_YEARS);
    const deleted = big(SIX_YEARS.filter((i) => i.id !== '2020-04-10T12:00:00Z'));
    const added = big([...SIX_YEARS, at('2021-03-15T00:00:00Z')]);
    const changed = (after: string[]) =>
      [...new Set([...before, ...after])].filter((p) => !before.includes(p) || !after.includes(p));
    expect(changed(deleted).map((p) => p.split(':')[0])).toEqual(['2020', '2020']);
    expect(changed(added).map((p) => p.split(':')[0])).toEqual(['2021', '2021']);
    // A new article only adds to the newest year.
    const newer = big([...SIX_YEARS, at('2024-12-30T00:00:00Z')]);
    expect(newer.slice(0, 5)).toEqual(before.slice(0, 5));
  });

  it('the same articles give the same pages whatever order they come in', () => {
    const shuffled = [...SIX_YEARS].reverse();
    expect(pagesOf(layout(shuffled))).toEqual(pagesOf(layout(SIX_YEARS)));
  });
});

describe('an archive layout updated from the last one (updatedLayout)', () => {
  /** Items on random dates over a few years, some on one instant. */
  const item = fc
    .record({ year: fc.integer({ min: 2018, max: 2022 }), ms: fc.nat(5), id: fc.nat(40) })
    .map(({ year, ms, id }) => ({ id: `a${id}`, time: Date.UTC(year, ms, ms + 1) }));
  const unique = (items: readonly Item[]) => [...new Map(items.map((i) => [i.id, i])).values()];
  const newestFirst = (items: readonly Item[]) =>
    [...items].sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1));

  /** The layout of `before` updated by removing and adding, against the one made whole. */
  function checkUpdate(
    start: readonly Item[],
    added: readonly Item[],
    removedAt: readonly number[],
    pageSize: number,
  ) {
    const before = newestFirst(unique(start));
    const removed = new Set(removedAt.map((k) => before[k % (before.length || 1)]?.id));
    const came = unique(added).filter((a) => !before.some((b) => b.id === a.id));
    const after = newestFirst([...before.filter((b) => !removed.has(b.id)), ...came]);
    const times = new Map([...before, ...came].map((i) => [i.id, i.time]));
    const timeOf = (id: string) => times.get(id)!;
    const ids = (items: readonly Item[]) => items.map((i) => i.id);
    const last = archiveLayout(ids(before), timeOf, 1, pageSize);
    const changed = [...before.filter((b) => removed.has(b.id)), ...came].map((i) => i.time);
    const updated = updatedLayout(last, ids(after), timeOf, 1, pageSize, changed);
    expect(pagesOf(updated)).toEqual(pagesOf(archiveLayout(ids(after), timeOf, 1, pageSize)));
    expect([...updated.index]).toEqual(updated.pages.map((p, i) => [p.label, i]));
    return { last, updated };
  }

  it('equals the layout made whole, after random adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 40 }),
        fc.array(item, { maxLength: 6 }),
        fc.array(fc.nat(39), { maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        (...args) => void checkUpdate(...args),
      ),
      { seed: 20261202, numRuns: 400 },
    );
  });

  /** Many articles over two years, at any millisecond of them or on a few shared instants. */
  const dense = fc
    .record({
      year: fc.integer({ min: 2023, max: 2024 }),
      at: fc.oneof(fc.nat(366 * 86_400_000 - 1), fc.constantFrom(0, 5, 86_400_000)),
      id: fc.nat(400),
    })
    .map(({ year, at, id }) => ({ id: `d${id}`, time: Date.UTC(year, 0, 1) + at }));

  it('equals the layout made whole where years are split deep, and keeps the pages no change is in', () => {
    let kept = 0;
    fc.assert(
      fc.property(
        fc.array(dense, { minLength: 20, maxLength: 300 }),
        fc.array(dense, { maxLength: 3 }),
        fc.array(fc.nat(299), { maxLength: 3 }),
        fc.integer({ min: 2, max: 8 }),
        (start, added, removedAt, pageSize) => {
          const { last, updated } = checkUpdate(start, added, removedAt, pageSize);
          const before = new Set(last.pages);
          kept += updated.pages.filter((p) => before.has(p)).length;
        },
      ),
      { seed: 20261203, numRuns: 300 },
    );
    // The same page objects are taken over, not made again (what spares a big year's pass).
    expect(kept).toBeGreaterThan(1000);
  });
});
