/**
 * Category names become URL paths and file names: Chinese stays readable (percent-encoded in
 * links), ASCII is slugged, names that slug alike get distinct paths, and hostile names
 * (`../etc`, `a/b`, `%2e%2e`, `CON`) become safe paths that are served and exported inside the
 * output directory. Fixture: tests/fixtures/render/slugs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Hono } from 'hono';
import { writeSite } from '../../src/export/write-site.js';
import type { Catalog } from '../../src/model.js';
import type { Site } from '../../src/render/site.js';
import { fileForPath } from '../../src/render/urls.js';
import {
  BASE_URL,
  RENDER_FIXTURES,
  bodyBytes,
  listFiles,
  makeTempDir,
  requestPath,
  resourceText,
  siteFor,
  xml,
} from '../support/site.js';
import { isServerFile } from '../deploy/server-files.js';

const FIXTURE = path.join(RENDER_FIXTURES, 'slugs');
const HOSTILE = ['../etc', 'a/b', '%2e%2e', 'CON'];
const FEED_FILES = ['rss.xml', 'atom.xml', 'feed.json'];

let catalog: Catalog;
let site: Site;
let app: Hono;
let out: Awaited<ReturnType<typeof makeTempDir>>;

beforeAll(async () => {
  ({ catalog, site, app } = await siteFor(FIXTURE));
  out = await makeTempDir('seedfeed-slugs-out-');
  await writeSite(site, out.dir);
});

afterAll(() => out.remove());

const slugOf = (name: string) => {
  const category = catalog.categories.find((c) => c.name === name);
  if (!category) expect.fail(`no category named ${JSON.stringify(name)}`);
  return category.slug;
};

describe('the fixture (premises)', () => {
  it('has three articles and the eight category names', () => {
    expect(catalog.rejected).toEqual([]);
    expect(catalog.articles.map((a) => a.title)).toEqual([
      'Alpha report',
      'Beta report',
      'Gamma report',
    ]);
    expect(catalog.categories.map((c) => c.name).sort()).toEqual(
      ['%2e%2e', '../etc', 'CON', 'News', 'News Today', 'a/b', 'news', '新媒体'].sort(),
    );
  });
});

describe('Chinese category name', () => {
  it('keeps its characters as the slug', () => {
    expect(slugOf('新媒体')).toBe('新媒体');
  });

  it('is linked percent-encoded from the index page and the OPML', () => {
    const index = resourceText(site, '/');
    expect(index).toContain('href="/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml"');
    expect(index).toContain('href="/categories/%E6%96%B0%E5%AA%92%E4%BD%93/"');
    const $ = xml(resourceText(site, '/opml.xml'));
    expect(
      $('outline')
        .map((_, el) => $(el).attr('xmlUrl'))
        .get(),
    ).toContain(`${BASE_URL}/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml`);
  });

  it('is served at the percent-encoded path', async () => {
    const response = await app.request('/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml');
    expect(response.status).toBe(200);
    const $ = xml(await response.text());
    expect($('channel > title').text()).toBe('seedfeed — 新媒体');
    expect(
      $('item > title')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(['Alpha report', 'Gamma report']);
  });

  it('is exported as categories/新媒体/… in real characters', async () => {
    for (const file of [...FEED_FILES, 'index.html']) {
      const onDisk = path.join(out.dir, 'categories', '新媒体', file);
      expect(existsSync(onDisk), onDisk).toBe(true);
    }
    const bytes = await readFile(path.join(out.dir, 'categories', '新媒体', 'rss.xml'));
    expect(bytes.equals(Buffer.from(site.get('/categories/新媒体/rss.xml')!.body))).toBe(true);
    expect(existsSync(path.join(out.dir, 'categories', '%E6%96%B0%E5%AA%92%E4%BD%93'))).toBe(false);
  });
});

describe('ASCII and colliding names', () => {
  it('"News Today" → news-today', async () => {
    expect(slugOf('News Today')).toBe('news-today');
    expect((await app.request('/categories/news-today/atom.xml')).status).toBe(200);
  });

  it('"News" and "news" get distinct paths, each serving its own articles', async () => {
    const upper = slugOf('News');
    const lower = slugOf('news');
    expect(upper).not.toBe(lower);
    expect([upper, lower]).toContain('news');
    for (const [name, slug, title] of [
      ['News', upper, 'Alpha report'],
      ['news', lower, 'Beta report'],
    ] as const) {
      const response = await app.request(`/categories/${encodeURIComponent(slug)}/feed.json`);
      expect(response.status, slug).toBe(200);
      const feed = (await response.json()) as { title: string; items: Array<{ title: string }> };
      expect(feed.title).toBe(`seedfeed — ${name}`);
      expect(feed.items.map((i) => i.title)).toEqual([title]);
      expect(existsSync(path.join(out.dir, 'categories', slug, 'feed.json'))).toBe(true);
    }
  });
});

describe('hostile names', () => {
  it.each(HOSTILE)('%s gets a single safe path segment', (name) => {
    const slug = slugOf(name);
    expect(slug).not.toBe('');
    expect(slug).not.toMatch(/[/\\%?#]/);
    expect(slug).not.toMatch(/^\./);
    expect(slug).not.toContain('..');
    expect(slug).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i);
  });

  it.each(HOSTILE)('%s: page and three feeds are served', async (name) => {
    const slug = slugOf(name);
    for (const file of ['', ...FEED_FILES]) {
      const response = await app.request(`/categories/${encodeURIComponent(slug)}/${file}`);
      expect(response.status, `${slug}/${file}`).toBe(200);
      if (file === 'rss.xml')
        expect(xml(await response.text())('channel > title').text()).toBe(`seedfeed — ${name}`);
    }
  });

  it('every exported file is inside the out directory, and nothing else was written', async () => {
    const root = path.resolve(out.dir);
    const expected = [...site.paths()].map(fileForPath);
    for (const file of expected) {
      const resolved = path.resolve(root, file);
      expect(resolved.startsWith(root + path.sep), file).toBe(true);
    }
    // Besides the site, only the files for nginx and static hosts (tests/deploy/ checks those).
    const onDisk = (await listFiles(out.dir)).filter((file) => !isServerFile(file));
    expect(onDisk).toEqual([...expected, '.seedfeed-manifest.json'].sort());
    expect(existsSync(path.join(path.dirname(root), 'etc', 'rss.xml'))).toBe(false);
  });

  it('every exported hostile category file has the bytes the server sends', async () => {
    for (const name of HOSTILE) {
      const slug = slugOf(name);
      for (const file of FEED_FILES) {
        const sitePath = `/categories/${slug}/${file}`;
        const served = await bodyBytes(await app.request(requestPath(sitePath)));
        const written = await readFile(path.join(out.dir, fileForPath(sitePath)));
        expect(written.equals(served), sitePath).toBe(true);
      }
    }
  });
});
