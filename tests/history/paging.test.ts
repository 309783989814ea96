/**
 * RFC 5005 §4 archived feeds: the current feed holds the newest `limit` articles, archive pages
 * hold the rest in pages numbered from the oldest. A reader that follows the links from the
 * current feed sees every article exactly once, in all three formats; full pages keep their
 * bytes when new articles arrive; the export writes every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { load } from 'cheerio';
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
const COUNT = 23; // 18 archived: pages 0–3 full, page 4 holds 2
const FH = 'http://purl.org/syndication/history/1.0';

const article = (i: number, extra: Partial<SeedArticle> = {}): SeedArticle => ({
  title: `Article ${i}`,
  date: new Date(Date.UTC(2024, 0, 1 + i)),
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
  const seen: string[] = [];
  const pages: string[] = [];
  let { doc } = await fetchDoc(app, currentPath, format);
  expect(doc.archive).toBe(false);
  seen.push(...doc.ids);
  for (let url = doc.prevArchive; url; url = doc.prevArchive) {
    expect(pages.length, 'too many pages: a loop?').toBeLessThan(100);
    pages.push(url);
    ({ doc } = await fetchDoc(app, url, format));
    expect(doc.archive, url).toBe(true);
    expect(doc.current, url).toMatch(new RegExp(`${currentPath.replace(/[.]/g, '\\.')}$`));
    seen.push(...doc.ids);
  }
  return { seen, pages };
}

const FEEDS: Record<Format, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

let seeds: Awaited<ReturnType<typeof seedDir>>;
let served: Awaited<ReturnType<typeof serveDir>>;

beforeAll(async () => {
  seeds = await seedDir(Array.from({ length: COUNT }, (_, i) => article(i)));
  served = await serveDir(seeds.dir, { limit: LIMIT, archivePageSize: PAGE_SIZE });
});
afterAll(() => seeds.remove());

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

  for (const format of ['rss', 'atom', 'json'] as const) {
    it(`${format}: following prev-archive from each current feed finds every article exactly once`, async () => {
      expect(groups()[0]!.guids).toHaveLength(COUNT);
      for (const { page, guids } of groups()) {
        const { seen, pages } = await walkBack(served.app, `${page}${FEEDS[format]}`, format);
        expect(seen.length, page).toBe(guids.length);
        expect(new Set(seen).size, `${page}: no article twice`).toBe(seen.length);
        expect(new Set(seen), page).toEqual(new Set(guids));
        expect(pages.length, page).toBe(
          guids.length > LIMIT ? Math.floor((guids.length - LIMIT) / PAGE_SIZE) + 1 : 0,
        );
      }
    });

    it(`${format}: next-archive leads from the oldest page forward through every page, and newest first within pages`, async () => {
      const first = `/categories/news/archive/0/${FEEDS[format]}`;
      let { doc } = await fetchDoc(served.app, first, format);
      expect(doc.prevArchive).toBeUndefined();
      const order: string[] = [...doc.ids].reverse();
      let pages = 1;
      while (doc.nextArchive) {
        ({ doc } = await fetchDoc(served.app, doc.nextArchive, format));
        order.push(...[...doc.ids].reverse());
        pages++;
      }
      expect(pages).toBe(5);
      // Oldest first across pages: exactly the 18 oldest articles, in date order.
      const oldestFirst = [...served.catalog.articles].reverse().map((a) => a.guid);
      expect(order).toEqual(oldestFirst.slice(0, COUNT - LIMIT));
    });
  }

  it('page n holds the n-th slice from the oldest article: stable boundaries', async () => {
    const { doc } = await fetchDoc(served.app, '/categories/news/archive/1/rss.xml', 'rss');
    const titles = served.catalog.articles
      .filter((a) => doc.ids.includes(a.guid))
      .map((a) => a.title);
    expect(titles).toEqual(['Article 7', 'Article 6', 'Article 5', 'Article 4']);
  });

  it('archive pages beyond the last, malformed numbers and unknown groups are 404', async () => {
    for (const p of [
      '/categories/news/archive/5/rss.xml',
      '/categories/news/archive/01/rss.xml',
      '/categories/nope/archive/0/rss.xml',
      '/archive/-1/rss.xml',
      '/categories/news/archive/0/index.html',
    ]) {
      expect((await served.app.request(p)).status, p).toBe(404);
    }
    // A cut feed has no prev-archive link; authors' feeds have no archive at all.
    const small = await fetchDoc(served.app, '/categories/news/rss.xml?limit=3', 'rss');
    expect(small.doc.prevArchive).toBeUndefined();
    const author = await fetchDoc(served.app, '/authors/ann/atom.xml', 'atom');
    expect(author.doc.ids).toHaveLength(LIMIT);
    expect(author.doc.prevArchive).toBeUndefined();
    expect((await served.app.request('/authors/ann/archive/0/atom.xml')).status).toBe(404);
  });

  it('full pages are cacheable for a day, the open page like any feed; conditional GET works', async () => {
    const full = await served.app.request('/categories/news/archive/0/atom.xml');
    expect(full.headers.get('cache-control')).toBe(`public, max-age=${ARCHIVE_MAX_AGE}`);
    const open = await served.app.request('/categories/news/archive/4/atom.xml');
    expect(open.headers.get('cache-control')).toBe('public, max-age=60');
    const again = await served.app.request('/categories/news/archive/0/atom.xml', {
      headers: { 'if-none-match': full.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('every archive page is well-formed XML and declares the fh namespace (xmllint)', async () => {
    const paths = [...served.site.paths()].filter((p) =>
      /\/archive\/\d+\/(rss|atom)\.xml$/.test(p),
    );
    expect(paths).toHaveLength((3 * 5 + 2) * 2);
    expect(paths).toContain('/categories/even/archive/0/atom.xml');
    const documents = await Promise.all(
      paths.map(async (p) => ({ name: p, contents: (await served.site.load(p))!.body })),
    );
    await expectAllWellFormed(documents);
    for (const { name, contents } of documents)
      expect(Buffer.from(contents).toString('utf8'), name).toContain(`xmlns:fh="${FH}"`);
  });
});

describe('stability', () => {
  it('full archive pages keep their bytes and ETags after a new article arrives; the open page and the current feed change', async () => {
    const paths = [0, 1, 2, 3, 4].flatMap((n) =>
      (['rss.xml', 'atom.xml', 'feed.json'] as const).map(
        (f) => `/categories/news/archive/${n}/${f}`,
      ),
    );
    const before = new Map(paths.map((p) => [p, served.site.get(p)!]));
    await seeds.add('new.md', article(COUNT));
    const after = await serveDir(
      seeds.dir,
      { limit: LIMIT, archivePageSize: PAGE_SIZE },
      new Date('2026-01-02T00:00:00Z'),
    );
    for (const p of paths) {
      const [old, now] = [before.get(p)!, after.site.get(p)!];
      if (p.includes('/archive/4/')) {
        expect(Buffer.from(now.body).equals(Buffer.from(old.body)), p).toBe(false);
      } else {
        expect(Buffer.from(now.body).equals(Buffer.from(old.body)), p).toBe(true);
        expect(now.etag).toBe(old.etag);
        expect(after.site.keyOf(p)).toBe(served.site.keyOf(p));
      }
    }
    const walked = await walkBack(after.app, '/categories/news/rss.xml', 'rss');
    expect(walked.seen).toHaveLength(COUNT + 1);
    expect(new Set(walked.seen).size).toBe(COUNT + 1);
  });
});

describe('export', () => {
  it('writes every archive page, byte for byte what the server sends, and skips them when unchanged', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-history-out-'));
    try {
      const first = await writeSite(served.site, out);
      const archivePaths = [...served.site.paths()].filter((p) => p.includes('/archive/'));
      // (News, all, tag: 5 pages each; Even, 12 articles: 2 pages) × 3 formats; authors have none
      expect(archivePaths).toHaveLength((3 * 5 + 2) * 3);
      for (const p of archivePaths) {
        const served_ = Buffer.from(await (await served.app.request(encodeURI(p))).arrayBuffer());
        expect((await readFile(path.join(out, fileForPath(p)))).equals(served_), p).toBe(true);
      }
      const again = await writeSite(served.site, out, { previous: first.manifest });
      expect(again.written).toBe(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
