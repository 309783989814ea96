/**
 * The export renders every archive and article page once to write it; kept in the Site's caches,
 * those pages filled its 64 MB cache of variants after every first scan (65 MB of the 10,000-file
 * service's heap). Asked with `keep` false, a page is rendered with the same bytes and not kept.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Site, type SiteOptions } from '../../src/render/site.js';
import { BASE_URL, SAMPLES, SITE_TITLE, scanCatalog } from '../support/site.js';

const OPTIONS: SiteOptions = {
  baseUrl: BASE_URL,
  siteTitle: SITE_TITLE,
  limit: 1,
  archivePageSize: 1,
};
const T0 = new Date('2030-01-01T00:00:00Z');

let site: Site;
let archive: string;
let article: string;
beforeAll(async () => {
  site = await Site.create(await scanCatalog(SAMPLES), OPTIONS, T0);
  archive = [...site.paths()].find((p) => p.includes('/archive/'))!;
  article = [...site.paths()].find((p) => p.startsWith('/articles/'))!;
});

describe('a page rendered for the export', () => {
  it('is not kept: each ask renders it again, with the same bytes and validators', async () => {
    for (const path of [archive, article]) {
      const once = (await site.load(path, false))!;
      const again = (await site.load(path, false))!;
      expect(again, path).not.toBe(once);
      expect(again.etag).toBe(once.etag);
      expect(again.lastModified).toEqual(once.lastModified);
      // …and a request after it renders its own copy, which the Site keeps from then on.
      const served = (await site.load(path))!;
      expect(served).not.toBe(once);
      expect(served.etag).toBe(once.etag);
      expect(await site.load(path)).toBe(served);
      // Kept, it is what the export gets too (rendered already: no second render).
      expect(await site.load(path, false)).toBe(served);
    }
  });
});
