/**
 * RFC 5005 §4 archived feeds: the current feed holds the newest `limit` articles, archive pages
 * hold a group's articles year by year. A reader that follows the links from the current feed
 * sees every article, each on one archive page, in all three formats; a delete or an old-dated
 * add changes its own year's page only; the export writes every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { load } from 'cheerio';
import { ManifestFiles } from '../../src/export/manifest-files.js';
import { writeSite } from '../../src/export/write-site.js';
import { fileForPath } from '../../src/render/urls.js';
import { ARCHIVE_MAX_AGE } from '../../src/render/site.js';
import { expectAllWellFormed } from '../support/site.js';
import {
  distinctText,
  requestPathOf,
  seedDir,
  serveDir,
  type SeedArticle,
} from '../support/articles.js';

const LIMIT = 5;
const PAGE_SIZE = 4;
/** Three articles a year from 2010 (January, May, September), two in 2017. */
const COUNT = 23;
const YEARS = ['2010', '2011', '2012', '2013', '2014', '2015', '2016', '2017'];
const FH = 'http://purl.org/syndication/history/1.0';

const article = (i: number, extra: Partial<SeedArticle> = {}): SeedArticle => ({
  title: `Article ${i}`,
  date: new Date(Date.UTC(2010 + Math.floor(i / 3), (i % 3) * 4, 1)),
  body: distinctText(i),
  categories: i % 2 === 0 ? ['News', 'Even'] : ['News'],
  tags: ['history'],
  author: 'Ann',
  ...extra,
});

type App = Awaited<ReturnType<typeof serveDir>>['app'];
type Format = 'rss' | 'atom' | 'json';

interface Doc {
  ids: string[];
  prevArchive?: string;
  nextArchive?: string;
  current?: string;
  archive: boolean;
}

function parseDoc(format: Format, text: string): Doc {
  if (format === 'json') {
    const feed = JSON.parse(text) as {
      next_url?: string;
      items: Array<{ id: string }>;
      _rfc5005?: Record<string, string | boolean>;
    };
    const ext = feed._rfc5005 ?? {};
    expect(feed.next_url).toBe(ext.prev_archive);
    return {
      ids: feed.items.map((i) => i.id),
      prevArchive: feed.next_url,
      nextArchive: ext.next_archive as string | undefined,
      current: ext.current as string | undefined,
      archive: ext.archive === true,
    };
  }
  const $ = load(text, { xml: true });
  const rel = (name: string) =>
    (format === 'rss'
      ? $(`channel > atom\\:link[rel="${name}"]`)
      : $(`feed > link[rel="${name}"]`)
    ).attr('href');
  return {
    ids:
      format === 'rss'
        ? $('item > guid')
            .map((_, e) => $(e).text())
            .get()
        : $('entry > id')
            .map((_, e) => $(e).text())
            .get(),
    prevArchive: rel('prev-archive'),
    nextArchive: rel('next-archive'),
    current: rel('current'),
    archive:
      format === 'rss'
        ? $('channel > fh\\:archive').length === 1
        : $('feed > fh\\:archive').length === 1,
  };
}

async function fetchDoc(
  app: App,
  url: string,
  format: Format,
): Promise<{ doc: Doc; text: string; response: Response }> {
  const response = await app.request(url.startsWith('/') ? url : requestPathOf(url));
  expect(response.status, url).toBe(200);
  const text = await response.text();
  return { doc: parseDoc(format, text), text, response };
}

/** Follows prev-archive from the current feed to the oldest page; returns every id seen and the pages. */
async function walkBack(app: App, currentPath: string, format: Format) {
  const archived: string[] = [];
  const pages: Array<{ url: string; ids: string[] }> = [];
  let { doc } = await fetchDoc(app, currentPath, format);
  expect(doc.archive).toBe(false);
  const current = doc.ids;
  for (let url = doc.prevArchive; url; url = doc.prevArchive) {
    expect(pages.length, 'too many pages: a loop?').toBeLessThan(100);
    ({ doc } = await fetchDoc(app, url, format));
    pages.push({ url, ids: doc.ids });
    expect(doc.archive, url).toBe(true);
    expect(doc.current, url).toMatch(new RegExp(`${currentPath.replace(/[.]/g, '\\.')}$`));
    archived.push(...doc.ids);
  }
  return { current, archived, seen: new Set([...current, ...archived]), pages };
}

const FEEDS: Record<Format, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };
const OPTIONS = { limit: LIMIT, archivePageSize: PAGE_SIZE };
const year = (ms: number) => new Date(ms).toISOString().slice(0, 4);
const labelOf = (url: string) => /\/archive\/([^/]+)\//.exec(url)![1]!;

let seeds: Awaited<ReturnType<typeof seedDir>>;
let served: Awaited<ReturnType<typeof serveDir>>;

beforeAll(async () => {
  seeds = await seedDir(Array.from({ length: COUNT }, (_, i) => article(i)));
  served = await serveDir(seeds.dir, OPTIONS);
});
afterAll(() => seeds.remove());

const archivePathsOf = (site: typeof served.site) =>
  [...site.paths()].filter((p) => p.includes('/archive/'));

describe('walking the archive', () => {
  const groups = () => {
    const { catalog } = served;
    const news = catalog.categories.find((c) => c.name === 'News')!;
    const even = catalog.categories.find((c) => c.name === 'Even')!;
    return [
      { page: '/categories/news/', guids: news.articleIds.map((id) => catalog.byId.get(id)!.guid) },
      { page: '/categories/even/', guids: even.articleIds.map((id) => catalog.byId.get(id)!.guid) },
      { page: '/', guids: catalog.articles.map((a) => a.guid) },
      { page: '/tags/history/', guids: catalog.articles.map((a) => a.guid) },
    ];
  };
  const dateOfGuid = () => new Map(served.catalog.articles.map((a) => [a.guid, a.date]));

  for (const format of ['rss', 'atom', 'json'] as const) {
    it(`${format}: following prev-archive from each current feed finds every article, each on the page of its year`, async () => {
      expect(groups()[0]!.guids).toHaveLength(COUNT);
      const dates = dateOfGuid();
      for (const { page, guids } of groups()) {
        const { current, archived, seen, pages } = await walkBack(
          served.app,
          `${page}${FEEDS[format]}`,
          format,
        );
        expect(current, page).toEqual(guids.slice(0, LIMIT));
        expect(seen, page).toEqual(new Set(guids));
        // The archive holds the whole group, each article once (the newest also in the feed).
        expect(archived.length, `${page}: no article on two pages`).toBe(guids.length);
        expect(pages.map((p) => labelOf(p.url)).reverse(), page).toEqual(YEARS);
        for (const { url, ids } of pages)
          for (const id of ids) expect(year(dates.get(id)!), url).toBe(labelOf(url));
      }
    });

    it(`${format}: next-archive leads from the oldest year forward through every page, newest first within pages`, async () => {
      let { doc } = await fetchDoc(
        served.app,
        `/categories/news/archive/2010/${FEEDS[format]}`,
        format,
      );
      expect(doc.prevArchive).toBeUndefined();
      const order: string[] = [...doc.ids].reverse();
      let pages = 1;
      while (doc.nextArchive) {
        ({ doc } = await fetchDoc(served.app, doc.nextArchive, format));
        order.push(...[...doc.ids].reverse());
        pages++;
      }
      expect(pages).toBe(YEARS.length);
      expect(order).toEqual([...served.catalog.articles].reverse().map((a) => a.guid));
    });
  }

  it('a page holds its year: stable boundaries', async () => {
    const { doc } = await fetchDoc(served.app, '/categories/news/archive/2013/rss.xml', 'rss');
    const titles = served.catalog.articles
      .filter((a) => doc.ids.includes(a.guid))
      .map((a) => a.title);
    expect(titles).toEqual(['Article 11', 'Article 10', 'Article 9']);
  });

  it('old numbered pages, years without articles, malformed labels and unknown groups are 404', async () => {
    for (const p of [
      '/categories/news/archive/0/rss.xml',
      '/archive/1/atom.xml',
      '/categories/news/archive/2009/rss.xml',
      '/categories/news/archive/2010-01/rss.xml',
      '/categories/news/archive/2010.0/rss.xml',
      '/categories/nope/archive/2010/rss.xml',
      '/archive/-1/rss.xml',
      '/categories/news/archive/2010/index.html',
    ]) {
      expect((await served.app.request(p)).status, p).toBe(404);
    }
    // A cut feed has no prev-archive link; authors' feeds have no archive at all.
    const small = await fetchDoc(served.app, '/categories/news/rss.xml?limit=3', 'rss');
    expect(small.doc.prevArchive).toBeUndefined();
    const author = await fetchDoc(served.app, '/authors/ann/atom.xml', 'atom');
    expect(author.doc.ids).toHaveLength(LIMIT);
    expect(author.doc.prevArchive).toBeUndefined();
    expect((await served.app.request('/authors/ann/archive/2010/atom.xml')).status).toBe(404);
  });

  it('older pages are cacheable for a day, the newest like any feed; conditional GET works', async () => {
    const past = await served.app.request('/categories/news/archive/2010/atom.xml');
    expect(past.headers.get('cache-control')).toBe(`public, max-age=${ARCHIVE_MAX_AGE}`);
    const newest = await served.app.request('/categories/news/archive/2017/atom.xml');
    expect(newest.headers.get('cache-control')).toBe('public, max-age=60');
    const again = await served.app.request('/categories/news/archive/2010/atom.xml', {
      headers: { 'if-none-match': past.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('every archive page is well-formed, declares fh, links current and a neighbour (what the W3C engine asks)', async () => {
    const paths = archivePathsOf(served.site).filter((p) => /\.xml$/.test(p));
    expect(paths).toHaveLength(4 * YEARS.length * 2);
    expect(paths).toContain('/categories/even/archive/2010/atom.xml');
    const documents = await Promise.all(
      paths.map(async (p) => ({ name: p, contents: (await served.site.load(p))!.body })),
    );
    await expectAllWellFormed(documents);
    for (const { name, contents } of documents) {
      const text = Buffer.from(contents).toString('utf8');
      expect(text, name).toContain(`xmlns:fh="${FH}"`);
      const { doc } = { doc: parseDoc(name.endsWith('atom.xml') ? 'atom' : 'rss', text) };
      expect(doc.archive, name).toBe(true);
      expect(doc.current, name).toBeDefined();
      expect(doc.prevArchive ?? doc.nextArchive, name).toBeDefined();
    }
  });
});

describe('stability', () => {
  /** Every archive document of a fresh build of `dir`, by path. */
  const archiveBytes = async (dir: string) => {
    const { site } = await serveDir(dir, OPTIONS, new Date('2026-01-02T00:00:00Z'));
    const docs = new Map<string, string>();
    for (const p of archivePathsOf(site))
      docs.set(p, Buffer.from((await site.load(p))!.body).toString('utf8'));
    return docs;
  };
  const changed = (before: Map<string, string>, after: Map<string, string>) =>
    [...new Set([...before.keys(), ...after.keys()])]
      .filter((p) => before.get(p) !== after.get(p))
      .map(labelOf);

  it('a delete, an old-dated add and a new article each change their own year only (a split, its neighbours too)', async () => {
    const own = await seedDir(Array.from({ length: COUNT }, (_, i) => article(i)));
    try {
      const before = await archiveBytes(own.dir);
      // Article 6 (2012-01-01) is in every group: all, News, Even (with Article 8), the tag.
      await unlink(`${own.dir}/a006.md`);
      const deleted = await archiveBytes(own.dir);
      expect(new Set(changed(before, deleted))).toEqual(new Set(['2012']));
      expect(changed(before, deleted)).toHaveLength(4 * 3);

      // 2013 has 3 articles: a 4th still fits its page.
      await own.add('old.md', article(100, { date: new Date(Date.UTC(2013, 2, 20)) }));
      const added = await archiveBytes(own.dir);
      expect(new Set(changed(deleted, added))).toEqual(new Set(['2013']));

      await own.add('new.md', article(101, { date: new Date(Date.UTC(2017, 10, 30)) }));
      const newer = await archiveBytes(own.dir);
      expect(new Set(changed(added, newer))).toEqual(new Set(['2017']));

      // 2013 has 4 now: a 5th splits it in two halves, and its neighbours link to the new pages.
      await own.add('split.md', article(102, { date: new Date(Date.UTC(2013, 10, 20)) }));
      const split = await archiveBytes(own.dir);
      expect(new Set(changed(newer, split))).toEqual(
        new Set(['2012', '2013', '2013.0', '2013.1', '2014']),
      );
    } finally {
      await own.remove();
    }
  });
});

describe('export', () => {
  it('writes every archive page, byte for byte what the server sends, and skips them when unchanged', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-history-out-'));
    try {
      const first = await writeSite(served.site, out);
      const archivePaths = archivePathsOf(served.site);
      // (News, Even, all, tag: 8 years each) × 3 formats; authors have none
      expect(archivePaths).toHaveLength(4 * YEARS.length * 3);
      for (const p of archivePaths) {
        const served_ = Buffer.from(await (await served.app.request(encodeURI(p))).arrayBuffer());
        expect((await readFile(path.join(out, fileForPath(p)))).equals(served_), p).toBe(true);
      }
      expect((await readdir(path.join(out, 'archive'))).sort()).toEqual(YEARS);
      const again = await writeSite(served.site, out, { previous: first.manifest });
      expect(again.written).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('renders archive pages last, newest period first across groups, a page’s formats together', () => {
    const { site } = served;
    const all = [...site.paths()];
    const ordered = site.inRenderingOrder(all);
    expect([...ordered].sort()).toEqual([...all].sort());
    const firstArchive = ordered.findIndex((p) => p.includes('/archive/'));
    const archived = ordered.slice(firstArchive);
    expect(archived.every((p) => p.includes('/archive/'))).toBe(true);
    // Years never go up along the walk, and every group's page of a year is met within that year.
    const years = archived.map((p) => Number(labelOf(`https://x${p}`).slice(0, 4)));
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(new Set(archived.slice(0, 4 * 3).map((p) => p.split('/archive/')[0]))).toHaveLength(4);
    for (let i = 0; i < archived.length; i += 3) {
      const page = archived[i]!.slice(0, archived[i]!.lastIndexOf('/'));
      expect(archived.slice(i, i + 3).map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual([
        'rss.xml',
        'atom.xml',
        'feed.json',
      ]);
      expect(archived.slice(i, i + 3).every((p) => p.startsWith(`${page}/`))).toBe(true);
    }
  });

  it('removes the numbered pages an earlier version exported (archive/<n>/ disappears cleanly)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-history-out-'));
    try {
      const first = await writeSite(served.site, out);
      const old = ['archive/0/rss.xml', 'categories/news/archive/3/feed.json'];
      for (const file of old) {
        await mkdir(path.dirname(path.join(out, file)), { recursive: true });
        await writeFile(path.join(out, file), 'old page');
      }
      const files = ManifestFiles.from([
        ...first.manifest.files,
        ...old.map((f) => [f, 'k'] as const),
      ]);
      const again = await writeSite(served.site, out, { previous: { ...first.manifest, files } });
      expect(again.removed).toBe(old.length);
      expect(again.written).toBe(0);
      expect((await readdir(path.join(out, 'archive'))).sort()).toEqual(YEARS);
      expect((await readdir(path.join(out, 'categories/news/archive'))).sort()).toEqual(YEARS);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
