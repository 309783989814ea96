/**
 * Parse workers past their memory budget keep the bodies in spool files (byte-arena.ts). The
 * article pages they write from those must be the same bytes as the server sends; the spool files
 * are unreachable while they are used and gone once the workers end; and with no spool to be had
 * the workers keep the bodies in memory, say so, and write the same pages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { generateCorpus } from '../../tools/bench/corpus.js';
import { writeSite } from '../../src/export/write-site.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { ParsePool } from '../../src/workers/pool.js';
import type { HeldSetup } from '../../src/workers/protocol.js';
import { Site } from '../../src/render/site.js';
import { fileForPath } from '../../src/render/urls.js';
import { makeApp, SAMPLES, tempDirsRemovedAfterAll } from '../support/site.js';
import { openFilesIn } from '../support/open-files.js';

const FILES = 320; // above the pool's threshold (300), so the workers keep the bodies
const tempDir = tempDirsRemovedAfterAll('seedfeed-spilled-');
let seeds: string;

beforeAll(async () => {
  seeds = path.join(await tempDir(), 'seeds');
  await generateCorpus({ dir: seeds, files: FILES, samplesDir: SAMPLES, seed: 11 });
}, 120_000);

/** A scan and export through a pool whose workers hold `held`; what was open in the spool directory after the scan. */
async function exportWith(held: HeldSetup) {
  const out = path.join(await tempDir(), 'out');
  const warnings: string[] = [];
  const pool = new ParsePool({ size: 2, held });
  pool.onWarning = (warning) => warnings.push(warning);
  try {
    const scanner = new CatalogScanner(
      { seedsDir: seeds, extensions: ['.md', '.txt'], maxFileBytes: 5 << 20 },
      undefined,
      pool,
    );
    const { catalog } = await scanner.scan();
    const openAfterScan = held.spoolDir ? openFilesIn(held.spoolDir) : [];
    const site = await Site.create(
      catalog,
      { baseUrl: 'https://news.example.org', siteTitle: 'seedfeed', limit: 20 },
      new Date('2026-01-01T00:00:00Z'),
    );
    await writeSite(site, out, { pageWriter: pool });
    await pool.release(); // a big batch: the workers end
    return { out, site, warnings, openAfterScan };
  } finally {
    await pool.close();
  }
}

async function expectPagesAsServed(site: Site, out: string): Promise<void> {
  const app = makeApp(() => site);
  for (const article of site.catalog.articles) {
    const sitePath = `/articles/${article.id}/`;
    const onDisk = await readFile(path.join(out, fileForPath(sitePath)));
    const served = Buffer.from(await (await app.request(sitePath)).arrayBuffer());
    expect(served.equals(onDisk), sitePath).toBe(true);
  }
}

describe('parse workers whose bodies go to spool files', () => {
  let run: Awaited<ReturnType<typeof exportWith>>;
  let spoolDir: string;
  beforeAll(async () => {
    spoolDir = await tempDir('seedfeed-spools-');
    run = await exportWith({ memoryBytes: 0, chunkBytes: 16 << 10, spoolDir });
  }, 120_000);

  it('had the bodies in unlinked files, one per worker, private to the process', async () => {
    expect(run.openAfterScan).toHaveLength(2);
    expect(await readdir(spoolDir)).toEqual([]);
    expect(run.warnings).toEqual([]);
  });

  it('writes every article page byte for byte as the server sends it', async () => {
    expect(run.site.catalog.articles.length).toBeGreaterThan(250);
    await expectPagesAsServed(run.site, run.out);
  });

  it('lets go of the spool files when the workers end', () => {
    expect(openFilesIn(spoolDir)).toEqual([]);
  });
});

describe('parse workers that cannot make a spool file', () => {
  let run: Awaited<ReturnType<typeof exportWith>>;
  beforeAll(async () => {
    const missing = path.join(await tempDir(), 'no-such-dir');
    run = await exportWith({ memoryBytes: 0, chunkBytes: 16 << 10, spoolDir: missing });
  }, 120_000);

  it('say so, once per worker', () => {
    expect(run.warnings).toHaveLength(2);
    for (const warning of run.warnings)
      expect(warning).toMatch(/parsed bodies stay in memory: no spool file \(ENOENT/);
  });

  it('keep the bodies in memory and write the same pages', async () => {
    await expectPagesAsServed(run.site, run.out);
  });
});
