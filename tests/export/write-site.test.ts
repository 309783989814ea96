/**
 * The export writes the whole URL space, byte for byte what the server sends; rewrites nothing
 * when nothing changed; removes what it wrote before and no longer serves, leaving other
 * people's files alone; never leaves temporary files behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_LOG } from '../../src/export/manifest.js';
import { MANIFEST, writeSite } from '../../src/export/write-site.js';
import { fileForPath } from '../../src/render/urls.js';
import {
  RENDER_FIXTURES,
  SAMPLES,
  bodyBytes,
  listFiles,
  makeApp,
  makeSite,
  requestPath,
  scanCatalog,
  siteFor,
  tempDirsRemovedAfterAll,
} from '../support/site.js';
import { isServerFile } from '../deploy/server-files.js';

const tempDir = tempDirsRemovedAfterAll();

describe('export of the five samples', () => {
  let out: string;
  let built: Awaited<ReturnType<typeof siteFor>>;
  let first: Awaited<ReturnType<typeof writeSite>>;

  beforeAll(async () => {
    built = await siteFor(SAMPLES);
    out = await tempDir('seedfeed-export-');
    first = await writeSite(built.site, out);
  });

  it('writes one file per site path (HTML routes as index.html), plus the manifest', async () => {
    const paths = [...built.site.paths()];
    // all feeds, index, 9 categories × (page + 3 feeds), 1 tag and 3 authors likewise, OPML, 5 articles
    expect(paths).toHaveLength(3 + 1 + 9 * 4 + (1 + 3) * 4 + 1 + 5 + 2); // + stylesheet, favicon
    expect(first).toMatchObject({ written: paths.length, unchanged: 0, removed: 0 });
    expect([...first.manifest.files.keys()].sort()).toEqual(
      paths.map((p) => fileForPath(p)).sort(),
    );
    const expected = paths.map(fileForPath);
    expect(expected).toContain('index.html');
    expect(expected).toContain('categories/新媒体/index.html');
    expect(expected).toContain(`articles/${built.catalog.articles[0]!.id}/index.html`);
    expect((await listFiles(out)).filter((file) => !isServerFile(file))).toEqual(
      [...expected, MANIFEST].sort(),
    );
  });

  it('every file has exactly the bytes the server sends for its path', async () => {
    let compared = 0;
    for (const sitePath of built.site.paths()) {
      const response = await built.app.request(requestPath(sitePath));
      expect(response.status, sitePath).toBe(200);
      const served = await bodyBytes(response);
      const written = await readFile(path.join(out, fileForPath(sitePath)));
      expect(written.equals(served), sitePath).toBe(true);
      compared++;
    }
    expect(compared).toBe(built.site.size);
  });

  it('a second export of the same site writes nothing', async () => {
    const before = await stat(path.join(out, 'rss.xml'));
    const again = await writeSite(built.site, out);
    expect(again).toMatchObject({ written: 0, unchanged: built.site.size, removed: 0 });
    expect((await stat(path.join(out, 'rss.xml'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('a fresh scan and Site of unchanged seeds, built at another time, writes nothing either', async () => {
    const rebuilt = await makeSite(await scanCatalog(SAMPLES), new Date('2030-06-01T00:00:00Z'));
    const again = await writeSite(rebuilt, out);
    expect(again.written).toBe(0);
    expect(again.removed).toBe(0);
  });

  it('a file deleted by someone else is written again', async () => {
    await rm(path.join(out, 'atom.xml'));
    const again = await writeSite(built.site, out);
    expect(again.written).toBe(1);
    expect(
      (await readFile(path.join(out, 'atom.xml'))).equals(
        Buffer.from(built.site.get('/atom.xml')!.body),
      ),
    ).toBe(true);
  });

  it('leaves no temporary files', async () => {
    const files = await listFiles(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('export after a category disappears', () => {
  let seeds: string;
  let out: string;
  let slugs: Map<string, string>;
  let removedStats: Awaited<ReturnType<typeof writeSite>>;
  let gammaId: string;

  beforeAll(async () => {
    seeds = await tempDir('seedfeed-export-seeds-');
    out = await tempDir('seedfeed-export-out-');
    await cp(path.join(RENDER_FIXTURES, 'slugs'), seeds, { recursive: true });
    // Files seedfeed never wrote: they must survive every export.
    await writeFile(path.join(out, 'CNAME'), 'news.example.org\n');
    await writeFile(path.join(out, '.gitkeep'), '');

    const before = await scanCatalog(seeds);
    slugs = new Map(before.categories.map((c) => [c.name, c.slug]));
    gammaId = before.articles.find((a) => a.title === 'Gamma report')!.id;
    await writeSite(await makeSite(before), out);
    for (const name of ['%2e%2e', 'CON'])
      expect(existsSync(path.join(out, 'categories', slugs.get(name)!, 'rss.xml'))).toBe(true);
    expect(existsSync(path.join(out, 'articles', gammaId, 'index.html'))).toBe(true);

    await rm(path.join(seeds, 'gamma.md'));
    const after = await makeSite(await scanCatalog(seeds));
    removedStats = await writeSite(after, out);
  });

  it('removes the directories of categories and articles that are gone', () => {
    for (const name of ['%2e%2e', 'CON']) {
      expect(existsSync(path.join(out, 'categories', slugs.get(name)!)), name).toBe(false);
    }
    expect(existsSync(path.join(out, 'articles', gammaId))).toBe(false);
    // 2 categories × (page + 3 feeds) + 1 article page
    expect(removedStats.removed).toBe(2 * 4 + 1);
  });

  it('keeps what is still there, rewritten where it changed', async () => {
    expect(existsSync(path.join(out, 'categories', '新媒体', 'rss.xml'))).toBe(true);
    const rss = await readFile(path.join(out, 'categories', '新媒体', 'rss.xml'), 'utf8');
    expect(rss).toContain('Alpha report');
    expect(rss).not.toContain('Gamma report');
    expect(removedStats.written).toBeGreaterThan(0);
  });

  it('leaves files it never wrote alone', async () => {
    expect(await readFile(path.join(out, 'CNAME'), 'utf8')).toBe('news.example.org\n');
    expect(existsSync(path.join(out, '.gitkeep'))).toBe(true);
  });

  it('the out directory holds exactly the new site, the manifest (and its log) and the foreign files; no *.tmp', async () => {
    const site = await makeSite(await scanCatalog(seeds));
    const app = makeApp(() => site);
    const expected = [...site.paths()].map(fileForPath);
    expect((await listFiles(out)).filter((file) => !isServerFile(file))).toEqual(
      [...expected, MANIFEST, MANIFEST_LOG, 'CNAME', '.gitkeep'].sort(),
    );
    for (const sitePath of site.paths()) {
      const served = await bodyBytes(await app.request(requestPath(sitePath)));
      expect((await readFile(path.join(out, fileForPath(sitePath)))).equals(served), sitePath).toBe(
        true,
      );
    }
  });
});
