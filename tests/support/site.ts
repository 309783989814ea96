/** Shared helpers for the render, HTTP and export tests: a real scan → Site → Hono app, and XML checks. */
import { afterAll, expect } from 'vitest';
import { statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, type CheerioAPI } from 'cheerio';
import { createApp, type Health } from '../../src/http/app.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { Pipeline } from '../../src/pipeline.js';
import { silentLogger } from '../../src/log.js';
import type { Article, Catalog } from '../../src/model.js';
import { Site } from '../../src/render/site.js';
import { encodePath } from '../../src/render/urls.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The five real samples. */
export const SAMPLES = path.join(REPO, 'seeds');
export const RENDER_FIXTURES = path.join(REPO, 'tests', 'fixtures', 'render');
export const BASE_URL = 'https://news.example.org';
export const SITE_TITLE = 'seedfeed';
export const BUILT_AT = new Date('2026-01-01T00:00:00Z');
export const LIMIT = 50;

/** The samples by file name, with what is known of each from the file itself. */
export const SAMPLE = {
  s000: { file: '000_b04ed080fefa3896.txt', title: '时不我待！湖南老工业基地的数字化“新”升级' },
  s001: {
    file: '001_c113200a63da4cd2.txt',
    title: '聚焦湖南中小企业高质量发展：数字化赋能 转型迈新步',
  },
  s002: { file: '002_8cd73b35cd009734.txt', title: '聚焦痛点难点 湖州加快推进工业数字化改革' },
  s003: { file: '003_14939d2c03372406.txt', title: '数字赋能、产业蝶变，“数字强省”建设提速' },
  s004: {
    file: '004_01c09f82508fccef.txt',
    title: '聚焦数字化集群化等 浙江启动传统制造业改造提升2.0版',
  },
} as const;

export const SAMPLE_002_LINK =
  'http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202203022294071463';

/**
 * Last-Modified as the seeds give it, worked out from the files themselves: the newest of the
 * articles' own update dates and their files' modification times, in whole seconds.
 */
export function seedsLastModified(seedsDir: string, articles: readonly Article[]): string {
  let newest = 0;
  for (const article of articles) {
    newest = Math.max(newest, article.updated);
    for (const source of article.sources) {
      const mtime = statSync(path.join(seedsDir, source)).mtimeMs;
      newest = Math.max(newest, Math.floor(mtime / 1000) * 1000);
    }
  }
  return new Date(newest).toUTCString();
}

const SCAN = { extensions: ['.md', '.txt', '.html'], maxFileBytes: 5 << 20 };

export async function scanCatalog(seedsDir: string): Promise<Catalog> {
  const { catalog } = await new CatalogScanner({ seedsDir, ...SCAN }).scan();
  return catalog;
}

/** The Site of one run of a pipeline without an export target (a failed scan throws its error). */
export async function builtSite(pipeline: Pipeline): Promise<Site> {
  const run = await pipeline.run();
  if (run.outcome === 'failed') throw run.error;
  return run.site;
}

/** As build and serve make it: `Site.create` brings the feeds' article bodies into memory first. */
export function makeSite(catalog: Catalog, builtAt = BUILT_AT): Promise<Site> {
  return Site.create(catalog, { baseUrl: BASE_URL, siteTitle: SITE_TITLE, limit: LIMIT }, builtAt);
}

export function makeApp(
  site: () => Site | undefined,
  health: () => Health = () => ({ status: 'ok', body: {} }),
) {
  return createApp({ site, health, maxAge: 60, limit: LIMIT, logger: silentLogger });
}

export async function siteFor(seedsDir: string) {
  const settings = { seedsDir, ...SCAN, baseUrl: BASE_URL, siteTitle: SITE_TITLE, limit: LIMIT };
  const site = await builtSite(new Pipeline({ settings, clock: () => BUILT_AT }));
  const { catalog } = site;
  const app = makeApp(() => site);
  return { catalog, site, app };
}

export function articleFrom(catalog: Catalog, source: string): Article {
  const article = catalog.articles.find((a) => a.sources.includes(source));
  if (!article) expect.fail(`no article has ${source} among its sources`);
  return article;
}

/** A site path as a request path: each segment percent-encoded, as every link on the site is. */
export const requestPath = encodePath;

export async function bodyBytes(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** The text of a feed or list page (always in memory). */
export function resourceText(site: Site, sitePath: string): string {
  const resource = site.get(sitePath);
  if (!resource) expect.fail(`the site has nothing in memory at ${sitePath}`);
  return Buffer.from(resource.body).toString('utf8');
}

/** The bytes at any path, article pages included (their bodies may have to be read again). */
export async function loadBytes(site: Site, sitePath: string): Promise<Buffer> {
  const resource = await site.load(sitePath);
  if (!resource) expect.fail(`the site has nothing at ${sitePath}`);
  return Buffer.from(resource.body);
}

export async function loadText(site: Site, sitePath: string): Promise<string> {
  return (await loadBytes(site, sitePath)).toString('utf8');
}

export const xml = (text: string): CheerioAPI => load(text, { xml: true });

/** Anything XML 1.0 does not allow in a document, plus U+FFFD (what a lone surrogate becomes when encoded). */
export const XML_ILLEGAL_OR_REPLACEMENT =
  /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFC\u{10000}-\u{10FFFF}]/u;

/** xmllint: the machine's, else xmllint-wasm (tests/support/xmllint.ts). */
export { expectAllWellFormed, expectWellFormed, xmllint } from './xmllint.js';

export async function makeTempDir(
  prefix = 'seedfeed-render-',
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * For a test file's top level: makes temporary directories (named from `prefix`, or the one
 * given at the call) and removes them all after the file's tests.
 */
export function tempDirsRemovedAfterAll(prefix?: string): (named?: string) => Promise<string> {
  const made: Array<Awaited<ReturnType<typeof makeTempDir>>> = [];
  afterAll(async () => {
    for (const t of made) await t.remove();
  });
  return async (named = prefix) => {
    const t = await makeTempDir(named);
    made.push(t);
    return t.dir;
  };
}

/** Every file below `dir`, as paths relative to it with `/` separators, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
