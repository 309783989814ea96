/**
 * /opml.xml is dated and keyed by its list of feeds: an article that arrives in a category the
 * list already has leaves its bytes, ETag, dateModified and Last-Modified as they were, whether
 * the Site follows the last one (a running server), or is made from nothing (a restart, a replica).
 * A new category changes it, dated by the article that brought it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '../../src/render/resource.js';
import { Site } from '../../src/render/site.js';
import { distinctText, seedDir, type SeedArticle } from '../support/articles.js';
import { scanCatalog } from '../support/site.js';

const OPTIONS = { baseUrl: 'https://news.example.org', siteTitle: 'seedfeed', limit: 50 };
const day = (d: number) => new Date(Date.UTC(2025, 0, d, 8));
const article = (n: number, d: number, categories: string[]): SeedArticle => ({
  title: `文章 ${n}`,
  date: day(d),
  body: distinctText(`opml ${n}`),
  categories,
});

let seeds: Awaited<ReturnType<typeof seedDir>>;
beforeAll(async () => {
  seeds = await seedDir([
    article(1, 1, ['农业']),
    article(2, 3, ['教育']),
    article(3, 5, ['农业']),
  ]);
});
afterAll(() => seeds.remove());

const opml = (site: Site): Resource => site.get('/opml.xml')!;
const text = (r: Resource) => Buffer.from(r.body).toString('utf8');
const dateModified = (r: Resource) => /<dateModified>(.*)<\/dateModified>/.exec(text(r))![1];

describe('/opml.xml', () => {
  it('keeps bytes, ETag and dates when an article arrives in a listed category', async () => {
    const before = await Site.create(await scanCatalog(seeds.dir), OPTIONS, day(10));
    // Dated by the newest category's first article: 教育, 3 January.
    expect(dateModified(opml(before))).toBe(day(3).toUTCString());
    expect(opml(before).lastModified.toUTCString()).toBe(day(3).toUTCString());

    await seeds.add('new.md', article(4, 9, ['教育', '农业']));
    const catalog = await scanCatalog(seeds.dir);
    expect(catalog.articles).toHaveLength(4);
    const following = await Site.create(catalog, OPTIONS, day(11), before.resources);
    const fromNothing = await Site.create(catalog, OPTIONS, day(12));
    for (const after of [following, fromNothing]) {
      expect(text(opml(after))).toBe(text(opml(before)));
      expect(opml(after).etag).toBe(opml(before).etag);
      expect(opml(after).lastModified).toEqual(opml(before).lastModified);
    }
  });

  it('changes, dated by the article that brought it, when a category is added', async () => {
    await seeds.add('newer.md', article(5, 20, ['科技', '农业']));
    const site = await Site.create(await scanCatalog(seeds.dir), OPTIONS, day(30));
    expect(text(opml(site))).toContain('科技');
    expect(dateModified(opml(site))).toBe(day(20).toUTCString());
    expect(opml(site).lastModified.toUTCString()).toBe(day(20).toUTCString());
  });
});
