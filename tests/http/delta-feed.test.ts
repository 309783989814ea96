/**
 * RFC 3229 delta feeds (`A-IM: feed`) over a 50-article site: a reader that holds a version the
 * server still knows gets `226 IM Used` with only the newer items, in RSS, Atom and JSON Feed;
 * anything else gets the usual 200 or 304; a 226 is never stored by a cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createApp } from '../../src/http/app.js';
import { RequestCounters } from '../../src/http/request-counters.js';
import { silentLogger } from '../../src/log.js';
import { Pipeline } from '../../src/pipeline.js';
import type { Site } from '../../src/render/site.js';
import { BASE_URL, distinctText, seedDir, type SeedArticle } from '../support/articles.js';
import { builtSite, xml } from '../support/site.js';

const COUNT = 50;
const article = (i: number, extra: Partial<SeedArticle> = {}): SeedArticle => ({
  title: `Article ${i}`,
  date: new Date(Date.UTC(2024, 0, 1, i)),
  body: distinctText(`delta ${i}`),
  categories: ['News'],
  ...extra,
});

let seeds: Awaited<ReturnType<typeof seedDir>>;
let pipeline: Pipeline;
let site: Site;
const requests = new RequestCounters();
const app = createApp({
  requests,
  site: () => site,
  health: () => ({ status: 'ok', body: {} }),
  maxAge: 60,
  limit: COUNT,
  logger: silentLogger,
});
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
const rescan = async () => (site = await builtSite(pipeline));

/** The item titles of a feed document. */
function titles(format: string, text: string): string[] {
  if (format === 'json')
    return (JSON.parse(text) as { items: { title: string }[] }).items.map((i) => i.title);
  const $ = xml(text);
  return $(format === 'rss' ? 'item > title' : 'entry > title')
    .map((_, e) => $(e).text())
    .get();
}

const FEEDS = [
  ['rss', '/rss.xml'],
  ['atom', '/atom.xml'],
  ['json', '/feed.json'],
  ['rss', '/categories/news/rss.xml'],
] as const;

/** ETags (identity and gzip) of each feed as readers were given them before the change. */
const before = new Map<string, { etag: string; gzipEtag: string }>();

beforeAll(async () => {
  seeds = await seedDir(Array.from({ length: COUNT }, (_, i) => article(i)));
  pipeline = new Pipeline({
    settings: {
      seedsDir: seeds.dir,
      extensions: ['.md'],
      maxFileBytes: 5 << 20,
      baseUrl: BASE_URL,
      siteTitle: 'seedfeed',
      limit: COUNT,
    },
    clock: () => new Date('2026-01-01T00:00:00Z'),
  });
  await rescan();
  for (const [, path] of FEEDS) {
    // A reader's first fetch has no version to name, so no A-IM either (newsboat's does not).
    const plain = await get(path);
    const gzip = await get(path, { 'A-IM': 'feed', 'Accept-Encoding': 'gzip' });
    expect(plain.status).toBe(200);
    before.set(path, { etag: plain.headers.get('etag')!, gzipEtag: gzip.headers.get('etag')! });
  }
  await seeds.add('new.md', article(COUNT, { title: 'The new one' }));
  await rescan();
});
afterAll(() => seeds.remove());

describe('a known base version', () => {
  it.each(FEEDS)(
    '%s %s: 226 IM Used with the one new item and the current ETag',
    async (format, path) => {
      const full = await get(path);
      const response = await get(path, { 'A-IM': 'feed', 'If-None-Match': before.get(path)!.etag });
      expect(response.status).toBe(226);
      expect(response.headers.get('im')).toBe('feed');
      expect(response.headers.get('etag')).toBe(full.headers.get('etag'));
      expect(response.headers.get('last-modified')).toBe(full.headers.get('last-modified'));
      expect(response.headers.get('content-type')).toBe(full.headers.get('content-type'));
      expect(response.headers.get('cache-control')).toBe('no-store, im');
      expect(response.headers.get('vary')).toContain('A-IM');
      const text = await response.text();
      expect(titles(format, text)).toEqual(['The new one']);
      expect(titles(format, await full.text())).toHaveLength(COUNT);
      expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    },
  );

  it('gzip: the base named by its gzip ETag, the answer gzipped with the current gzip ETag', async () => {
    const full = await get('/atom.xml', { 'Accept-Encoding': 'gzip' });
    const response = await get('/atom.xml', {
      'A-IM': 'feed',
      'Accept-Encoding': 'gzip',
      'If-None-Match': before.get('/atom.xml')!.gzipEtag,
    });
    expect(response.status).toBe(226);
    expect(response.headers.get('etag')).toBe(full.headers.get('etag'));
    expect(response.headers.get('etag')).toMatch(/-gzip"$/);
    const body = Buffer.from(await response.arrayBuffer());
    const text =
      response.headers.get('content-encoding') === 'gzip'
        ? gunzipSync(body).toString()
        : body.toString();
    expect(titles('atom', text)).toEqual(['The new one']);
  });

  it('counts 226s for /metrics, with their bytes', () => {
    const feeds = requests.requestSamples().find((s) => s.labels.status === '226');
    expect(feeds?.labels.route).toBe('feed');
    expect(feeds?.value).toBeGreaterThanOrEqual(FEEDS.length);
  });

  it('the ETag of a 226 revalidates: the next poll is a 304', async () => {
    const delta = await get('/rss.xml', {
      'A-IM': 'feed',
      'If-None-Match': before.get('/rss.xml')!.etag,
    });
    const next = await get('/rss.xml', {
      'A-IM': 'feed',
      'If-None-Match': delta.headers.get('etag')!,
    });
    expect(next.status).toBe(304);
  });

  it('HEAD: 226 with the headers and no body', async () => {
    const response = await app.request('/feed.json', {
      method: 'HEAD',
      headers: { 'A-IM': 'feed', 'If-None-Match': before.get('/feed.json')!.etag },
    });
    expect(response.status).toBe(226);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('everything else is answered as usual', () => {
  it('an unknown base: 200 with the whole feed', async () => {
    const response = await get('/rss.xml', {
      'A-IM': 'feed',
      'If-None-Match': '"AAAAAAAAAAAAAAAAAAAAAAAAAAA"',
    });
    expect(response.status).toBe(200);
    expect(titles('rss', await response.text())).toHaveLength(COUNT);
  });

  it('the current version: 304', async () => {
    const etag = (await get('/rss.xml')).headers.get('etag')!;
    expect((await get('/rss.xml', { 'A-IM': 'feed', 'If-None-Match': etag })).status).toBe(304);
  });

  it('no A-IM, or another manipulation, or several base tags: 200', async () => {
    const old = before.get('/rss.xml')!.etag;
    const cases: Record<string, string>[] = [
      { 'If-None-Match': old },
      { 'A-IM': 'vcdiff', 'If-None-Match': old },
      { 'A-IM': 'feed;q=0', 'If-None-Match': old },
      { 'A-IM': 'feed', 'If-None-Match': `${old}, "BBBBBBBBBBBBBBBBBBBBBBBBBBB"` },
    ];
    for (const headers of cases)
      expect((await get('/rss.xml', headers)).status, JSON.stringify(headers)).toBe(200);
  });

  it('a query variant or an archive page: no delta', async () => {
    const old = before.get('/rss.xml')!.etag;
    expect((await get('/rss.xml?limit=5', { 'A-IM': 'feed', 'If-None-Match': old })).status).toBe(
      200,
    );
  });
});

describe('an edited article', () => {
  it('comes in the delta, with what is new since', async () => {
    const base = (await get('/feed.json', { 'A-IM': 'feed' })).headers.get('etag')!;
    await seeds.add('a007.md', article(7, { title: 'Article 7, corrected' }));
    await rescan();
    const response = await get('/feed.json', { 'A-IM': 'feed', 'If-None-Match': base });
    expect(response.status).toBe(226);
    expect(titles('json', await response.text())).toEqual(['Article 7, corrected']);
    // The version before the new article is still kept: both changes since.
    const older = await get('/feed.json', {
      'A-IM': 'feed',
      'If-None-Match': before.get('/feed.json')!.etag,
    });
    expect(older.status).toBe(226);
    expect(titles('json', await older.text())).toEqual(['The new one', 'Article 7, corrected']);
  });
});
