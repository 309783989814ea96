/**
 * Big scans run in worker threads, which keep the bodies they parsed and render and write those
 * article pages themselves. Those pages must be byte for byte what the server sends, and once the
 * workers are gone the main thread must hold only the feeds' bodies — and still serve every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateCorpus } from '../../tools/bench/corpus.js';
import { writeSite } from '../../src/export/write-site.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { ParsePool } from '../../src/workers/pool.js';
import { Site, hotArticles } from '../../src/render/site.js';
import { fileForPath } from '../../src/render/urls.js';
import { makeApp, SAMPLES } from '../support/site.js';

const FILES = 360; // above the pool's threshold (300), so the workers really run
let temp: string;
let seeds: string;
let out: string;
let pool: ParsePool;
let scanner: CatalogScanner;
let site: Site;
let workerIds: string[];

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-workers-'));
  seeds = path.join(temp, 'seeds');
  out = path.join(temp, 'out');
  await generateCorpus({ dir: seeds, files: FILES, samplesDir: SAMPLES, seed: 7 });
  pool = new ParsePool({ size: 2 });
  scanner = new CatalogScanner(
    { seedsDir: seeds, extensions: ['.md', '.txt'], maxFileBytes: 5 << 20 },
    undefined,
    pool,
  );
  const { catalog } = await scanner.scan();
  // Before any body is fetched, the main thread holds none: the workers have them.
  workerIds = catalog.articles.filter((a) => pool.holds(a.bodySource)).map((a) => a.id);
  expect(scanner.content.size).toBe(0);
  site = await Site.create(
    catalog,
    { baseUrl: 'https://news.example.org', siteTitle: 'seedfeed', limit: 20 },
    new Date('2026-01-01T00:00:00Z'),
  );
  await writeSite(site, out, { pageWriter: pool });
  await pool.close();
  scanner.retainContent(site.hotContent());
}, 120_000);

afterAll(async () => {
  await pool.close();
  await rm(temp, { recursive: true, force: true });
});

describe('a scan big enough for the worker pool', () => {
  it('had every article parsed by a worker', () => {
    expect(site.catalog.articles.length).toBeGreaterThan(300);
    expect(workerIds.length).toBe(site.catalog.articles.length);
  });

  it('keeps in memory only the bodies the feeds show', () => {
    const hot = hotArticles(site.catalog, 20);
    expect(hot.length).toBeLessThan(site.catalog.articles.length);
    expect(scanner.content.size).toBe(new Set(hot.map((a) => a.bodySource)).size);
  });

  it('exports every article page byte for byte as the server sends it, even those whose body was dropped', async () => {
    const app = makeApp(() => site);
    for (const article of site.catalog.articles) {
      const sitePath = `/articles/${article.id}/`;
      const onDisk = await readFile(path.join(out, fileForPath(sitePath)));
      const served = Buffer.from(await (await app.request(sitePath)).arrayBuffer());
      expect(served.equals(onDisk), sitePath).toBe(true);
    }
  });

  it('exports feeds and lists the way it serves them', async () => {
    const app = makeApp(() => site);
    for (const sitePath of site.resources.keys()) {
      const onDisk = await readFile(path.join(out, fileForPath(sitePath)));
      const served = Buffer.from(await (await app.request(encodeURI(sitePath))).arrayBuffer());
      expect(served.equals(onDisk), sitePath).toBe(true);
    }
  });
});
