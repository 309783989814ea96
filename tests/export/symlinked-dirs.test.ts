/**
 * Symbolic links inside the output directory. --out itself may be a link (the operator chose it);
 * a link inside it may not be written or deleted through: the export stops with a clear error
 * before anything lands behind the link, and the previous export is kept. A link where a file of
 * the site belongs is replaced by the real file, never written through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateCorpus } from '../../tools/bench/corpus.js';
import { writeFileAtomicSync } from '../../src/export/atomic-sync.js';
import { EXPORT_MARKER } from '../../src/export/staging.js';
import { writeSite } from '../../src/export/write-site.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { ParsePool } from '../../src/workers/pool.js';
import { loadState, STATE_FILE } from '../../src/export/state.js';
import { Site } from '../../src/render/site.js';
import { SAMPLES, listFiles, makeTempDir, siteFor } from '../support/site.js';

let site: Site;
beforeAll(async () => {
  site = (await siteFor(SAMPLES)).site;
});

const temps: Array<Awaited<ReturnType<typeof makeTempDir>>> = [];
afterAll(async () => {
  for (const t of temps) await t.remove();
});

async function dirs() {
  const t = await makeTempDir('seedfeed-links-');
  temps.push(t);
  const elsewhere = path.join(t.dir, 'elsewhere');
  await mkdir(elsewhere);
  return { root: t.dir, out: path.join(t.dir, 'out'), elsewhere };
}

/** Every file of `dir` with its bytes, for "unchanged" comparisons. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of await listFiles(dir))
    files.set(file, await readFile(path.join(dir, file), 'latin1'));
  return files;
}

const LINK_ERROR =
  /is a symbolic link .*seedfeed does not write or delete through links inside the output directory/;

describe('a directory inside --out that is a symbolic link', () => {
  it('categories -> elsewhere: nothing is written there; the export stops with a clear error; the previous export is kept', async () => {
    const { out, elsewhere } = await dirs();
    await writeSite(site, out);
    await rename(path.join(out, 'categories'), path.join(out, '.categories-moved'));
    await symlink(elsewhere, path.join(out, 'categories'));
    const before = await snapshot(out);
    await expect(writeSite(site, out)).rejects.toThrow(LINK_ERROR);
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await snapshot(out)).toEqual(before);
    expect((await lstat(path.join(out, 'categories'))).isSymbolicLink()).toBe(true);
  });

  it('a link deeper down (categories/<slug> -> elsewhere) just the same', async () => {
    const { out, elsewhere } = await dirs();
    await writeSite(site, out);
    const slugDir = path.join(out, 'categories', '新媒体');
    await rm(slugDir, { recursive: true });
    await symlink(elsewhere, slugDir);
    await expect(writeSite(site, out)).rejects.toThrow(LINK_ERROR);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('on a first export too, before any file is written', async () => {
    const { out, elsewhere } = await dirs();
    await mkdir(out);
    await symlink(elsewhere, path.join(out, 'authors'));
    await expect(writeSite(site, out)).rejects.toThrow(LINK_ERROR);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('once the link is removed, the next export makes a real directory there', async () => {
    const { out, elsewhere } = await dirs();
    await mkdir(out);
    await symlink(elsewhere, path.join(out, 'categories'));
    await expect(writeSite(site, out)).rejects.toThrow(LINK_ERROR);
    await rm(path.join(out, 'categories'));
    await writeSite(site, out);
    expect((await lstat(path.join(out, 'categories'))).isDirectory()).toBe(true);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('the workers’ synchronous writes refuse a linked directory on the path as well', async () => {
    const { out, elsewhere } = await dirs();
    await mkdir(path.join(out, 'articles'), { recursive: true });
    await symlink(elsewhere, path.join(out, 'articles', 'abc'));
    expect(() =>
      writeFileAtomicSync(path.join(out, 'articles', 'abc', 'index.html'), 'x', new Set()),
    ).toThrow(LINK_ERROR);
    expect(await readdir(elsewhere)).toEqual([]);
    writeFileAtomicSync(path.join(out, 'articles', 'def', 'index.html'), 'x', new Set());
    expect(await readFile(path.join(out, 'articles', 'def', 'index.html'), 'utf8')).toBe('x');
  });
});

describe('article pages written by the worker threads', () => {
  let temp: string;
  let pool: ParsePool;
  let workerSite: Site;

  beforeAll(async () => {
    temp = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-links-workers-'));
    const seeds = path.join(temp, 'seeds');
    await generateCorpus({ dir: seeds, files: 320, samplesDir: SAMPLES, seed: 3 });
    pool = new ParsePool({ size: 2 });
    const { catalog } = await new CatalogScanner(
      { seedsDir: seeds, extensions: ['.md', '.txt'], maxFileBytes: 5 << 20 },
      undefined,
      pool,
    ).scan();
    workerSite = await Site.create(
      catalog,
      { baseUrl: 'https://news.example.org', siteTitle: 'seedfeed', limit: 20 },
      new Date('2026-01-01T00:00:00Z'),
    );
  }, 120_000);

  afterAll(async () => {
    await pool.close();
    await rm(temp, { recursive: true, force: true });
  });

  it('articles -> elsewhere: no page lands there; the export stops with a clear error', async () => {
    const out = path.join(temp, 'out');
    const elsewhere = path.join(temp, 'elsewhere');
    await mkdir(out);
    await mkdir(elsewhere);
    await symlink(elsewhere, path.join(out, 'articles'));
    await expect(writeSite(workerSite, out, { pageWriter: pool })).rejects.toThrow(LINK_ERROR);
    expect(await readdir(elsewhere)).toEqual([]);
  }, 60_000);
});

describe('links where files of the site belong', () => {
  it('rss.xml -> a file elsewhere: replaced by the real feed, the file elsewhere untouched', async () => {
    const { out, elsewhere } = await dirs();
    await writeSite(site, out);
    const feed = await readFile(path.join(out, 'rss.xml'));
    const victim = path.join(elsewhere, 'victim.txt');
    await writeFile(victim, 'victim');
    await rm(path.join(out, 'rss.xml'));
    await symlink(victim, path.join(out, 'rss.xml'));
    await writeSite(site, out);
    expect((await lstat(path.join(out, 'rss.xml'))).isFile()).toBe(true);
    expect((await readFile(path.join(out, 'rss.xml'))).equals(feed)).toBe(true);
    expect(await readFile(victim, 'utf8')).toBe('victim');
  });

  it('the export-running marker -> a file elsewhere: the file elsewhere is not overwritten', async () => {
    const { out, elsewhere } = await dirs();
    await mkdir(out);
    const victim = path.join(elsewhere, 'victim.txt');
    await writeFile(victim, 'victim');
    await symlink(victim, path.join(out, EXPORT_MARKER));
    await writeSite(site, out);
    expect(await readFile(victim, 'utf8')).toBe('victim');
    expect(existsSync(path.join(out, EXPORT_MARKER))).toBe(false);
  });
});

describe('the state file', () => {
  it('a link to a file elsewhere is not read: not a byte of that file reaches the warning', async () => {
    const { out, elsewhere } = await dirs();
    await mkdir(out);
    const victim = path.join(elsewhere, 'shadow');
    await writeFile(victim, 'root:x:0:0:SECRET-HASH\n');
    await symlink(victim, path.join(out, STATE_FILE));
    const state = await loadState(out);
    expect(state.damaged).toBeDefined();
    expect(state.damaged).not.toContain('root');
    expect(await readFile(victim, 'utf8')).toBe('root:x:0:0:SECRET-HASH\n');
  });
});

describe('--out itself a symbolic link (the operator’s choice)', () => {
  it('is followed: the export lands in the real directory, as before', async () => {
    const { root } = await dirs();
    const real = path.join(root, 'real-out');
    await mkdir(real);
    await symlink(real, path.join(root, 'out-link'));
    const stats = await writeSite(site, path.join(root, 'out-link'));
    expect(stats.written).toBe(site.size);
    expect(existsSync(path.join(real, 'rss.xml'))).toBe(true);
    expect(await realpath(path.join(root, 'out-link'))).toBe(real);
    // And again, through the link: nothing to do.
    expect((await writeSite(site, path.join(root, 'out-link'))).written).toBe(0);
  });
});
