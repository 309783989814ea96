/**
 * The filter index's substring tests (one indexOf over a chunk of articles' texts, a cursor per
 * literal) against a plain per-article reference, across chunk boundaries, in any order of
 * positions; and one index build per Site however many scans start before it is done.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Article } from '../../src/model.js';
import { FilterIndex, selectIds, selectNow } from '../../src/render/filter-index.js';
import { parseFeedQuery, type FeedQuery } from '../../src/render/filters.js';
import { distinctText, seedDir, serveDir } from '../support/articles.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

const WORDS = ['Apple', 'banana', 'İstanbul', 'cherry', 'ΣΟΦΙΑ', '数字', '经济', 'date'];
const N = 9000; // three chunks of the index (4,096 articles each)

function article(i: number): Article {
  const w = (k: number) => WORDS[(i * 7 + k * 3 + (i >> 5)) % WORDS.length]!;
  return {
    id: `a${i}`,
    title: i % 1000 === 999 ? '' : `${w(0)} ${i} ${w(1)}`,
    summary: `${w(2)}${w(3)} s${i % 97}`,
    author: i % 3 === 0 ? undefined : `${w(4)} ${i % 13}`,
    categories: i % 5 === 0 ? [] : [w(5), `c${i % 11}`],
    date: new Date(Date.UTC(2026, 0, 1) - i * 60_000),
  } as unknown as Article;
}
const ARTICLES = Array.from({ length: N }, (_, i) => article(i));

const query = (search: string) => (parseFeedQuery(search, 100_000) as { query: FeedQuery }).query;

/** What a filter means, article by article. */
function reference(search: string, positions: readonly number[]): string[] {
  const q = query(search);
  const matches = (p: FeedQuery['include'][number], a: Article) => {
    // Plain words: substring tests, lower-cased per article when ignoring case (as before the
    // index); anything else: the regular expression.
    const { literals } = p;
    const test = literals
      ? (text: string) =>
          literals.some((l) => (q.ignoreCase ? text.toLowerCase() : text).includes(l))
      : (text: string) => p.re.test(text);
    switch (p.field) {
      case 'text':
        return test(a.title) || test(summaryOf(a));
      case 'title':
        return test(a.title);
      case 'description':
        return test(summaryOf(a));
      case 'author':
        return a.author !== undefined && test(a.author);
      case 'category':
        return a.categories.some(test);
    }
  };
  return positions
    .map((i) => ARTICLES[i]!)
    .filter((a) => q.include.every((p) => matches(p, a)) && !q.exclude.some((p) => matches(p, a)))
    .map((a) => a.id);
}

const index = selectNow(
  FilterIndex.build(ARTICLES) as unknown as Generator<void, string[]>,
) as unknown as FilterIndex;

function selected(search: string, positions: readonly number[]): string[] {
  return selectNow(selectIds(index, Int32Array.from(positions), query(search), 0, N));
}

const SEARCHES = [
  'filter=apple|数字',
  'filter=APPLE|ß&filter_case_sensitive=false',
  'filter_title=i̇stanbul&filter_case_sensitive=false',
  'filter_title=İstanbul 1',
  'filter_description=cherry|经济s&filterout=Apple',
  'filter_author=σοφια 1&filter_case_sensitive=false',
  'filter_author=ΣΟΦΙΑ',
  'filter_category=c1|数字&filterout_category=c10',
  'filter_category=1%00数字',
  'filter=9 Apple|s9',
  'filter=nothing at all',
];

describe('substring tests over the filter index', () => {
  const ascending = Array.from({ length: N }, (_, i) => i);
  it.each(SEARCHES)('%s selects what a per-article test selects', (search) => {
    expect(selected(search, ascending)).toEqual(reference(search, ascending));
  });

  it('in any order of positions (an archive page, a group)', () => {
    const shuffled = ascending
      .filter((i) => i % 7 !== 3)
      .sort((a, b) => ((a * 7919) % N) - ((b * 7919) % N));
    for (const search of SEARCHES)
      expect(selected(search, shuffled)).toEqual(reference(search, shuffled));
  });

  it('a literal never matches across two articles or two categories', () => {
    expect(selected('filter_title=1 banana', ascending)).toEqual(
      reference('filter_title=1 banana', ascending),
    );
    // Article 1's title ends in a word, article 2's starts with one: joined, they would match.
    const [end, start] = [ARTICLES[1]!.title.split(' ').at(-1)!, ARTICLES[2]!.title.split(' ')[0]!];
    expect(selected(`filter_title=${end}${start}`, [1, 2])).toEqual([]);
    expect(selected(`filter_category=${WORDS[5]}c`, ascending)).toEqual([]);
  });
});

function runThrough<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

describe('positions', () => {
  it('maps every id to its article, whatever its shape (ids are kept in shards)', () => {
    const hexIds = ARTICLES.map((a, i) => ({
      ...a,
      id: (i * 2654435761).toString(16).padStart(16, '0').slice(-16),
    }));
    for (const articles of [ARTICLES, hexIds]) {
      const index = runThrough(FilterIndex.build(articles));
      const ids = articles.map((a) => a.id).reverse();
      const positions = runThrough(index.positions(ids));
      expect([...positions]).toEqual(ids.map((_, k) => articles.length - 1 - k));
    }
  });
});

describe('the index of a Site', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is built once while several scans wait for it', async () => {
    // More articles than one slice of the build (256), so that the scans overlap.
    const seeds = await seedDir(
      Array.from({ length: 600 }, (_, i) => ({
        title: `Article ${i}`,
        date: new Date(Date.UTC(2026, 0, 1) - i * 60_000),
        body: distinctText(i),
      })),
    );
    const { site } = await serveDir(seeds.dir, { limit: 2 }).finally(() => seeds.remove());
    const build = vi.spyOn(FilterIndex, 'build');
    const scans = ['filter=a1', 'filter=b2', 'filter=c3'].map((search) =>
      site.filterScan('/rss.xml', query(search), Date.now())!,
    );
    // Round robin, as the server's gate runs them.
    const running = new Set(scans);
    while (running.size) for (const scan of running) if (scan.next().done) running.delete(scan);
    expect(build).toHaveBeenCalledTimes(1);
  });
});
