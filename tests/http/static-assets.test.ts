/**
 * The stylesheet and the icon every page shares: linked from every page, served with their own
 * content type and a long cache lifetime, exported byte for byte, and the pages' CSP allows
 * styles from the site only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeSite } from '../../src/export/write-site.js';
import { ASSET_PATHS } from '../../src/render/static-assets.js';
import {
  SAMPLES,
  bodyBytes,
  loadText,
  makeSite,
  makeTempDir,
  requestPath,
  siteFor,
} from '../support/site.js';

let built: Awaited<ReturnType<typeof siteFor>>;
let out: Awaited<ReturnType<typeof makeTempDir>>;

beforeAll(async () => {
  built = await siteFor(SAMPLES);
  out = await makeTempDir('seedfeed-assets-');
  await writeSite(built.site, out.dir);
});
afterAll(() => out.remove());

describe('shared stylesheet and favicon', () => {
  it('every HTML page links both and carries no inline style', async () => {
    const pages = [...built.site.paths()].filter((p) => p.endsWith('/'));
    expect(pages.length).toBeGreaterThan(5);
    for (const p of [...pages, '/no/such/page']) {
      const html =
        p === '/no/such/page'
          ? Buffer.from(built.site.notFound.body).toString('utf8')
          : await loadText(built.site, p);
      const $ = load(html);
      expect($('head link[rel="stylesheet"]').attr('href'), p).toBe(ASSET_PATHS.stylesheet);
      expect($('head link[rel="icon"]').attr('href'), p).toBe('/favicon.ico');
      expect($('style').length, p).toBe(0);
    }
  });

  it('the stylesheet is served as CSS under a content-hashed name, cached for a year', async () => {
    expect(ASSET_PATHS.stylesheet).toMatch(/^\/style\.[0-9A-Za-z]{10}\.css$/);
    const res = await built.app.request(ASSET_PATHS.stylesheet);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.text()).toContain('color-scheme:light dark');
    const again = await built.app.request(ASSET_PATHS.stylesheet, {
      headers: { 'If-None-Match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('their Last-Modified does not follow the build time (restarts and replicas agree)', async () => {
    const later = await makeSite(built.catalog, new Date('2030-01-01T00:00:00Z'));
    for (const p of [ASSET_PATHS.stylesheet, ASSET_PATHS.favicon])
      expect(later.get(p)!.lastModified, p).toEqual(built.site.get(p)!.lastModified);
  });

  it('/favicon.ico is a 32×32 icon, cached for a day', async () => {
    const res = await built.app.request('/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    const ico = await bodyBytes(res);
    // ICONDIR: reserved 0, type 1 (icon), one image; its entry: 32×32, 32 bits, at offset 22.
    expect([...ico.subarray(0, 8)]).toEqual([0, 0, 1, 0, 1, 0, 32, 32]);
    expect(ico.readUInt16LE(12)).toBe(32);
    expect(ico.readUInt32LE(14)).toBe(ico.length - 22);
    expect(ico.readUInt32LE(18)).toBe(22);
    // Not a feed: no WebSub topic, no CORS header, and HEAD agrees on the length.
    const head = await built.app.request('/favicon.ico', { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(ico.length));
  });

  it("pages allow styles from the site itself only: style-src 'self'", async () => {
    const res = await built.app.request('/');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('both are exported byte for byte as served', async () => {
    for (const p of [ASSET_PATHS.stylesheet, ASSET_PATHS.favicon]) {
      const served = await bodyBytes(await built.app.request(requestPath(p)));
      expect((await readFile(path.join(out.dir, p.slice(1)))).equals(served), p).toBe(true);
    }
  });
});
