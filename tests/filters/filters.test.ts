/**
 * RSSHub-style filters on feed URLs: patterns are RE2 regular expressions (re2js), so matching is
 * linear in the text and a catastrophic-backtracking pattern costs nothing; what RE2 cannot
 * compile is a 400. Filtered feeds are variants of the Site with their own ETag and 304s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { parseFeedQuery } from '../../src/render/filters.js';
import { distinctText, seedDir, serveDir } from '../support/articles.js';

const NOW = Date.now();
const HOUR = 3600_000;
/** Long enough that a backtracking engine would never finish `(a+)+$` on it (2^120 paths). */
const LONG_TITLE = `${'a'.repeat(120)}!`;

let seeds: Awaited<ReturnType<typeof seedDir>>;
let served: Awaited<ReturnType<typeof serveDir>>;

beforeAll(async () => {
  seeds = await seedDir([
    {
      title: 'Apple harvest begins',
      date: new Date(NOW - 1 * HOUR),
      body: `Orchards everywhere. ${distinctText(1)}`,
      categories: ['Farming'],
      author: 'Ann Lee',
    },
    {
      title: 'Banana prices fall',
      date: new Date(NOW - 2 * HOUR),
      body: `Markets react. ${distinctText(2)}`,
      categories: ['Markets'],
      author: 'Bob Stone',
    },
    {
      title: 'Cherry blossom report',
      date: new Date(NOW - 30 * HOUR),
      body: `Spring has come; apple trees too. ${distinctText(3)}`,
      categories: ['Farming', 'Nature'],
      author: 'Ann Lee',
    },
    {
      title: 'Quarterly results',
      date: new Date(NOW - 48 * HOUR),
      body: `Nothing about fruit. ${distinctText(4)}`,
      categories: ['Markets'],
      author: 'Carol',
    },
    {
      title: LONG_TITLE,
      date: new Date(NOW - 72 * HOUR),
      body: `A very long title. ${distinctText(5)}`,
      categories: ['Odd'],
    },
  ]);
  served = await serveDir(seeds.dir, { limit: 10 });
});
afterAll(() => seeds.remove());

async function titles(query: string, feed = '/rss.xml'): Promise<string[]> {
  const response = await served.app.request(`${feed}?${query}`);
  expect(response.status, `${feed}?${query}: ${response.status}`).toBe(200);
  const $ = load(await response.text(), { xml: true });
  return $('item > title')
    .map((_, e) => $(e).text())
    .get()
    .map((t) => (t === LONG_TITLE ? 'LONG' : t));
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('filters', () => {
  it('filter matches title or summary; alternatives with |; case-sensitive by default, as in RSSHub', async () => {
    expect(await titles(q({ filter: 'Apple' }))).toEqual(['Apple harvest begins']);
    expect(await titles(q({ filter: 'apple' }))).toEqual(['Cherry blossom report']); // "apple trees" in its summary
    expect(await titles(q({ filter: 'apple', filter_case_sensitive: 'false' }))).toEqual([
      'Apple harvest begins',
      'Cherry blossom report',
    ]);
    expect(await titles(q({ filter: 'Banana|Quarterly' }))).toEqual([
      'Banana prices fall',
      'Quarterly results',
    ]);
  });

  it('filterout drops what matches; filter_title, filter_description, filter_author, filter_category look at one field', async () => {
    expect(await titles(q({ filterout: 'Apple|Banana|aaaa' }))).toEqual([
      'Cherry blossom report',
      'Quarterly results',
    ]);
    expect(await titles(q({ filter_title: 'apple', filter_case_sensitive: 'false' }))).toEqual([
      'Apple harvest begins',
    ]);
    expect(await titles(q({ filter_description: 'fruit' }))).toEqual(['Quarterly results']);
    expect(await titles(q({ filter_author: '^Ann' }))).toEqual([
      'Apple harvest begins',
      'Cherry blossom report',
    ]);
    expect(await titles(q({ filter_category: '^Markets$' }))).toEqual([
      'Banana prices fall',
      'Quarterly results',
    ]);
    expect(await titles(q({ filterout_category: 'Farming' }))).toEqual([
      'Banana prices fall',
      'Quarterly results',
      'LONG',
    ]);
  });

  it('filter_time keeps items newer than now − N seconds; filters and limit combine', async () => {
    expect(await titles(q({ filter_time: String(3 * 3600) }))).toEqual([
      'Apple harvest begins',
      'Banana prices fall',
    ]);
    expect(await titles(q({ filter_time: String(50 * 3600), filterout: 'Banana' }))).toEqual([
      'Apple harvest begins',
      'Cherry blossom report',
      'Quarterly results',
    ]);
    expect(await titles(q({ filter_author: 'Ann|Bob', limit: '2' }))).toEqual([
      'Apple harvest begins',
      'Banana prices fall',
    ]);
    expect(await titles(q({ filter_category: 'Farming' }), '/categories/farming/rss.xml')).toEqual([
      'Apple harvest begins',
      'Cherry blossom report',
    ]);
  });

  it('works on Atom and JSON Feed too, and ignores parameters it does not know', async () => {
    const atom = load(
      await (await served.app.request('/atom.xml?filter=Cherry&utm_source=x')).text(),
      { xml: true },
    );
    expect(
      atom('entry > title')
        .map((_, e) => atom(e).text())
        .get(),
    ).toEqual(['Cherry blossom report']);
    const json = (await (await served.app.request('/feed.json?filter=Cherry')).json()) as {
      items: Array<{ title: string }>;
      feed_url: string;
    };
    expect(json.items.map((i) => i.title)).toEqual(['Cherry blossom report']);
    expect(json.feed_url).toBe('https://news.example.org/feed.json?filter=Cherry');
    const plain = await served.app.request('/rss.xml?utm_source=x');
    expect(plain.headers.get('etag')).toBe(
      (await served.app.request('/rss.xml')).headers.get('etag'),
    );
  });

  it('a catastrophic-backtracking pattern answers at once (RE2 is linear)', async () => {
    // (a+)+$ against "aaaa…a!" takes exponential time in a backtracking engine; here one pass.
    const started = performance.now();
    expect(await titles(q({ filter_title: '(a+)+$' }))).toEqual([]);
    expect(await titles(q({ filterout_title: '(a+)+$' }))).toHaveLength(5);
    expect(await titles(q({ filter_title: '^(a|aa)+!$' }))).toEqual(['LONG']);
    expect(await titles(q({ filter_title: '(a|aa)+b', filter_case_sensitive: 'false' }))).toEqual(
      [],
    );
    // The premise: the title reached the feed whole, its "!" included.
    expect(served.catalog.articles.some((a) => a.title === LONG_TITLE)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('what RE2 cannot compile, and bad values, are a 400 with a reason', async () => {
    const cases: Array<[string, RegExp]> = [
      [q({ filter: '(a)\\1' }), /filter is not a regular expression RE2 accepts/],
      [q({ filterout: '(?=x)y' }), /filterout is not a regular expression RE2 accepts/],
      [q({ filter: '(unclosed' }), /RE2/],
      [q({ filter_case_sensitive: 'maybe' }), /filter_case_sensitive must be true or false/],
      [q({ filter_time: '-5' }), /filter_time must be a whole number of seconds/],
      [q({ limit: '0', filter: 'x' }), /limit must be a whole number from 1 to 10/],
      [q({ filter: 'x'.repeat(1001) }), /longer than 1000/],
      ['filter=a&filter=b', /given twice/],
    ];
    for (const [query, message] of cases) {
      const response = await served.app.request(`/rss.xml?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toMatch(message);
    }
  });

  it('a filtered feed has its own ETag, answers 304 to it, and is cached like other feeds', async () => {
    const full = await served.app.request('/rss.xml');
    const filtered = await served.app.request('/rss.xml?filter=Apple');
    const etag = filtered.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(etag).not.toBe(full.headers.get('etag'));
    expect(filtered.headers.get('cache-control')).toBe(full.headers.get('cache-control'));
    expect(filtered.headers.get('last-modified')).toBe(full.headers.get('last-modified'));
    const again = await served.app.request('/rss.xml?filter=Apple', {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // The same query in another order is another URL: the same items under its own self link.
    const reordered = await served.app.request('/rss.xml?filter_case_sensitive=true&filter=Apple');
    expect(reordered.headers.get('etag')).not.toBe(etag);
    expect(await titles('filter_case_sensitive=true&filter=Apple')).toEqual(
      await titles('filter=Apple'),
    );
    expect(
      served.site.feedVariant(
        '/rss.xml',
        (parseFeedQuery('filter=Apple', 10) as { query: never }).query,
      ),
    ).toBe(
      served.site.feedVariant(
        '/rss.xml',
        (parseFeedQuery('filter=Apple', 10) as { query: never }).query,
      ),
    );
  });

  it('a filtered or cut feed has no archive links; filters do not apply to pages', async () => {
    const text = await (await served.app.request('/rss.xml?filter=Apple')).text();
    expect(text).not.toContain('prev-archive');
    const page = await served.app.request('/?filter=(');
    expect(page.status).toBe(200);
  });
});
