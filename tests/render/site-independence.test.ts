/**
 * Two Sites in one process never affect each other. An unchanged article is the same object from
 * scan to scan, and a Site dates each article's rendering (the Last-Modified of its page, of the
 * archive pages and searches that list it) by the first Site that rendered it that way. That
 * memory follows one chain of Sites, each made from the last one's resources; a Site made from
 * nothing starts its own. These tests fail if the memory is shared by the process (as it was,
 * in a module-level WeakMap): then a Site's dates depended on which other Sites had been made.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/model.js';
import { Site, type SiteOptions } from '../../src/render/site.js';
import { BASE_URL, SAMPLES, SITE_TITLE, scanCatalog } from '../support/site.js';

/** Later than any sample's date, so that the Site's clock, not the article, sets Last-Modified. */
const T0 = new Date('2030-01-01T00:00:00Z');
const T1 = new Date('2030-02-01T00:00:00Z');
const T2 = new Date('2030-03-01T00:00:00Z');
/** One item per feed and per archive page: the samples make archive pages too. */
const OPTIONS: SiteOptions = {
  baseUrl: BASE_URL,
  siteTitle: SITE_TITLE,
  limit: 1,
  archivePageSize: 1,
};

/** Everything a client sees of every path, and of a search. */
async function observed(site: Site): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  for (const path of site.paths()) {
    const resource = (await site.load(path))!;
    seen[path] = `${resource.etag} ${resource.lastModified.toISOString()} ${site.keyOf(path)}`;
  }
  const search = site.search('数字');
  seen['/?q=数字'] = `${search.etag} ${search.lastModified.toISOString()}`;
  return seen;
}

const articlePaths = (site: Site) => [...site.paths()].filter((p) => p.startsWith('/articles/'));
const archivePaths = (site: Site) => [...site.paths()].filter((p) => p.includes('/archive/'));

async function lastModified(site: Site, path: string): Promise<string> {
  return (await site.load(path))!.lastModified.toISOString();
}

let catalog: Catalog;
beforeAll(async () => {
  catalog = await scanCatalog(SAMPLES);
});

describe('Sites made from nothing', () => {
  it('date what they render by their own clock, whatever Site of the same articles was made before', async () => {
    const first = await Site.create(catalog, OPTIONS, T0);
    await observed(first);
    const second = await Site.create(catalog, OPTIONS, T1);

    expect(articlePaths(second).length).toBe(catalog.articles.length);
    expect(archivePaths(second).length).toBeGreaterThan(0);
    for (const path of archivePaths(second))
      expect(await lastModified(second, path), path).toBe(T1.toISOString());
    // Article pages are dated by the article alone (render/article-pages.ts), by no Site's clock.
    for (const path of articlePaths(second))
      expect(await lastModified(second, path), path).toBe(
        new Date(Math.floor(second.article(path)!.updated.getTime() / 1000) * 1000).toISOString(),
      );
    expect(second.search('数字').lastModified.toISOString()).toBe(T1.toISOString());
  });

  it('answer exactly as a Site of a fresh scan with the same inputs does', async () => {
    await observed(await Site.create(catalog, OPTIONS, T0));
    const shared = await observed(await Site.create(catalog, OPTIONS, T2));
    const alone = await observed(await Site.create(await scanCatalog(SAMPLES), OPTIONS, T2));
    expect(shared).toEqual(alone);
  });
});

describe('a chain of Sites, each made from the last one’s resources', () => {
  it('keeps the date of an article rendered the same way since an earlier Site of the chain', async () => {
    const first = await Site.create(catalog, OPTIONS, T0);
    const next = await Site.create(catalog, OPTIONS, T1, first.resources);
    // Article pages are dated by the article alone; what lists articles (a search) by the chain.
    expect(next.search('数字').lastModified.toISOString()).toBe(T0.toISOString());
  });

  it('takes nothing from a Site outside the chain, even one of the same articles made in between', async () => {
    const first = await Site.create(catalog, OPTIONS, T0);
    // Other settings render every article differently: had it the chain's memory, it would re-date them.
    const outsider = await Site.create(catalog, { ...OPTIONS, siteTitle: 'another title' }, T1);
    await observed(outsider);
    const next = await Site.create(catalog, OPTIONS, T2, first.resources);
    expect(next.search('数字').lastModified.toISOString()).toBe(T0.toISOString());
    expect(outsider.search('数字').lastModified.toISOString()).toBe(T1.toISOString());
  });

  it('does not change what an earlier Site of the chain answers', async () => {
    const first = await Site.create(catalog, OPTIONS, T0);
    const before = await observed(first);
    await observed(
      await Site.create(catalog, { ...OPTIONS, siteTitle: 'another title' }, T1, first.resources),
    );
    expect(await observed(first)).toEqual(before);
  });
});
