/**
 * Two Sites in one process never affect each other, and no Site dates anything by its clock: every
 * Last-Modified comes from the seeds (render/last-modified.ts), so Sites of the same articles made
 * at different times, from nothing or as a chain (each from the last one's resources), answer the
 * same. These tests fail if a date comes from when something was rendered (as it did: then a Site's
 * dates depended on which other Sites had been made, and replicas disagreed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/model.js';
import { Site, type SiteOptions } from '../../src/render/site.js';
import { BASE_URL, SAMPLES, SITE_TITLE, scanCatalog, seedsLastModified } from '../support/site.js';

/** Later than any sample's date or file: had a Site's clock set Last-Modified, it would show. */
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
  it('date what they render from the seeds, whatever their clock or Site made before', async () => {
    const first = await Site.create(catalog, OPTIONS, T0);
    const firstSeen = await observed(first);
    const second = await Site.create(catalog, OPTIONS, T1);

    expect(articlePaths(second).length).toBe(catalog.articles.length);
    expect(archivePaths(second).length).toBeGreaterThan(0);
    expect(await observed(second)).toEqual(firstSeen);
    for (const path of articlePaths(second))
      expect(new Date(await lastModified(second, path)).toUTCString(), path).toBe(
        seedsLastModified(SAMPLES, [second.article(path)!]),
      );
    for (const path of archivePaths(second))
      expect(await lastModified(second, path), path).not.toBe(T1.toISOString());
    expect(new Date(second.search('数字').lastModified).getTime()).toBeLessThan(T0.getTime());
  });

  it('answer exactly as a Site of a fresh scan with the same inputs does', async () => {
    await observed(await Site.create(catalog, OPTIONS, T0));
    const shared = await observed(await Site.create(catalog, OPTIONS, T2));
    const alone = await observed(await Site.create(await scanCatalog(SAMPLES), OPTIONS, T2));
    expect(shared).toEqual(alone);
  });
});

describe('a chain of Sites, each made from the last one’s resources', () => {
  it('answers as a Site made from nothing at the same time does', async () => {
    const first = await Site.create(catalog, OPTIONS, T0);
    const next = await Site.create(catalog, OPTIONS, T1, first.resources);
    expect(await observed(next)).toEqual(await observed(await Site.create(catalog, OPTIONS, T1)));
  });

  it('takes nothing from a Site outside the chain, even one of the same articles made in between', async () => {
    const first = await Site.create(catalog, OPTIONS, T0);
    // Other settings render every article differently.
    const outsider = await Site.create(catalog, { ...OPTIONS, siteTitle: 'another title' }, T1);
    await observed(outsider);
    const next = await Site.create(catalog, OPTIONS, T2, first.resources);
    expect(await observed(next)).toEqual(await observed(first));
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
