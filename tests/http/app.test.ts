/**
 * The Hono app answered in-process (`app.request`) over the five real samples: content types,
 * validators and RFC 9110 conditional requests, HEAD, compression, `?limit=`, errors, redirects,
 * health and the not-yet-scanned state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { Catalog } from '../../src/model.js';
import type { Site } from '../../src/render/site.js';
import {
  SAMPLE,
  SAMPLES,
  articleFrom,
  bodyBytes,
  makeApp,
  makeSite,
  scanCatalog,
  seedsLastModified,
  xml,
} from '../support/site.js';

const CHINESE_FEED = '/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml';
const STRONG_ETAG = /^"[A-Za-z0-9_-]{27}"$/;

let catalog: Catalog;
let site: Site;
let app: Hono;
let articlePath: string;

beforeAll(async () => {
  catalog = await scanCatalog(SAMPLES);
  site = await makeSite(catalog);
  app = makeApp(() => site);
  articlePath = `/articles/${articleFrom(catalog, SAMPLE.s000.file).id}/`;
});

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe('content types', () => {
  it.each([
    ['/rss.xml', 'application/rss+xml; charset=utf-8'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'application/feed+json; charset=utf-8'],
    ['/opml.xml', 'text/x-opml; charset=utf-8'],
    ['/', 'text/html; charset=utf-8'],
    [CHINESE_FEED, 'application/rss+xml; charset=utf-8'],
    ['/categories/%E6%96%B0%E5%AA%92%E4%BD%93/', 'text/html; charset=utf-8'],
    ['/categories/%E6%96%B0%E5%AA%92%E4%BD%93/feed.json', 'application/feed+json; charset=utf-8'],
  ])('%s → %s', async (path, type) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('an article page is HTML', async () => {
    const response = await get(articlePath);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain(`<h1>${SAMPLE.s000.title}</h1>`);
  });

  it('the body is exactly the precomputed resource', async () => {
    for (const path of ['/rss.xml', '/atom.xml', '/feed.json', '/opml.xml', '/']) {
      const body = await bodyBytes(await get(path));
      expect(body.equals(Buffer.from(site.get(path)!.body)), path).toBe(true);
    }
  });

  it('/index.html paths answer like their directory', async () => {
    const a = await bodyBytes(await get('/index.html'));
    const b = await bodyBytes(await get('/'));
    expect(a.equals(b)).toBe(true);
    expect((await get('/categories/%E6%96%B0%E5%AA%92%E4%BD%93/index.html')).status).toBe(200);
  });
});

describe('validators and caching headers', () => {
  it.each(['/rss.xml', '/atom.xml', '/feed.json', '/opml.xml', '/', CHINESE_FEED])(
    '%s has a strong ETag, Last-Modified and Cache-Control',
    async (path) => {
      const response = await get(path);
      expect(response.headers.get('etag')).toMatch(STRONG_ETAG);
      expect(response.headers.get('etag')).toBe(site.get(decodeURIComponent(path))!.etag);
      // Dated from the seeds, not by the clock: the OPML by its list of feeds (the newest
      // category's first article, sample 003), the rest by the newest change among what they show.
      const shown =
        path === CHINESE_FEED
          ? catalog.categories
              .find((c) => c.name === '新媒体')!
              .articleIds.map((id) => catalog.byId.get(id)!)
          : catalog.articles;
      expect(response.headers.get('last-modified')).toBe(
        path === '/opml.xml' ? 'Fri, 12 Aug 2022 08:37:00 GMT' : seedsLastModified(SAMPLES, shown),
      );
      expect(response.headers.get('cache-control')).toBe('public, max-age=60');
      expect(response.headers.get('vary')).toBe('Accept-Encoding');
    },
  );

  it('an article page is last modified when the article or its file was, not when it was rendered', async () => {
    // The same on every restart and replica; a change of settings or slugs changes its ETag.
    const response = await get(articlePath);
    expect(response.headers.get('etag')).toMatch(STRONG_ETAG);
    expect(response.headers.get('last-modified')).toBe(
      seedsLastModified(SAMPLES, [articleFrom(catalog, SAMPLE.s000.file)]),
    );
  });

  it('feeds allow any origin; HTML pages carry a CSP instead', async () => {
    for (const path of ['/rss.xml', '/atom.xml', '/feed.json', '/opml.xml', CHINESE_FEED]) {
      expect((await get(path)).headers.get('access-control-allow-origin'), path).toBe('*');
    }
    const page = await get('/');
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).not.toContain('script-src');
  });
});

describe('conditional requests', () => {
  let etag: string;
  let lastModified: string;
  beforeAll(async () => {
    const response = await get('/rss.xml');
    etag = response.headers.get('etag')!;
    lastModified = response.headers.get('last-modified')!;
  });

  it('If-None-Match with the tag → 304, empty body, same ETag', async () => {
    const response = await get('/rss.xml', { 'If-None-Match': etag });
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe(etag);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await bodyBytes(response)).length).toBe(0);
  });

  it('If-None-Match: the weak form W/ of the tag matches', async () => {
    expect((await get('/rss.xml', { 'If-None-Match': `W/${etag}` })).status).toBe(304);
  });

  it('If-None-Match: * matches; a list containing the tag matches; another tag does not', async () => {
    expect((await get('/rss.xml', { 'If-None-Match': '*' })).status).toBe(304);
    expect((await get('/rss.xml', { 'If-None-Match': `"nope", ${etag}` })).status).toBe(304);
    const other = await get('/rss.xml', { 'If-None-Match': '"nope"' });
    expect(other.status).toBe(200);
    expect((await bodyBytes(other)).length).toBe(site.get('/rss.xml')!.body.length);
  });

  it("one resource's tag does not validate another", async () => {
    expect((await get('/atom.xml', { 'If-None-Match': etag })).status).toBe(200);
  });

  it('If-Modified-Since at or after Last-Modified → 304; before it → 200', async () => {
    const same = await get('/rss.xml', { 'If-Modified-Since': lastModified });
    expect(same.status).toBe(304);
    expect((await bodyBytes(same)).length).toBe(0);
    expect(
      (
        await get('/rss.xml', {
          'If-Modified-Since': new Date(Date.parse(lastModified) + 3600_000).toUTCString(),
        })
      ).status,
    ).toBe(304);
    expect(
      (
        await get('/rss.xml', {
          'If-Modified-Since': new Date(Date.parse(lastModified) - 1000).toUTCString(),
        })
      ).status,
    ).toBe(200);
    expect((await get('/rss.xml', { 'If-Modified-Since': 'not a date' })).status).toBe(200);
  });

  it('If-None-Match decides alone: a non-matching tag with a current If-Modified-Since → 200', async () => {
    const response = await get('/rss.xml', {
      'If-None-Match': '"stale"',
      'If-Modified-Since': lastModified,
    });
    expect(response.status).toBe(200);
    expect((await bodyBytes(response)).length).toBeGreaterThan(0);
  });

  it('works on article pages too', async () => {
    const first = await get(articlePath);
    const again = await get(articlePath, { 'If-None-Match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(
      (await get(articlePath, { 'If-Modified-Since': first.headers.get('last-modified')! })).status,
    ).toBe(304);
  });
});

describe('HEAD', () => {
  it.each(['/rss.xml', '/feed.json', '/', CHINESE_FEED])(
    '%s: 200, empty body, same headers as GET',
    async (path) => {
      const getResponse = await get(path);
      const getBody = await bodyBytes(getResponse);
      const head = await app.request(path, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect((await bodyBytes(head)).length).toBe(0);
      for (const header of ['content-type', 'etag', 'last-modified', 'content-length']) {
        expect(head.headers.get(header), header).toBe(getResponse.headers.get(header));
      }
      expect(head.headers.get('content-length')).toBe(String(getBody.length));
    },
  );

  it('HEAD honours If-None-Match', async () => {
    const etag = (await get('/atom.xml')).headers.get('etag')!;
    expect(
      (await app.request('/atom.xml', { method: 'HEAD', headers: { 'If-None-Match': etag } }))
        .status,
    ).toBe(304);
  });
});

describe('compression', () => {
  it.each([
    ['gzip', (b: Buffer) => gunzipSync(b)],
    ['br', (b: Buffer) => brotliDecompressSync(b)],
  ] as const)(
    'Accept-Encoding: %s → compressed, decodes to the identical bytes, own ETag',
    async (encoding, decode) => {
      for (const path of ['/rss.xml', '/atom.xml', '/feed.json', '/']) {
        const identity = await get(path);
        const identityBody = await bodyBytes(identity);
        const response = await get(path, { 'Accept-Encoding': encoding });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-encoding'), path).toBe(encoding);
        expect(response.headers.get('vary')).toBe('Accept-Encoding');
        const body = await bodyBytes(response);
        expect(body.length).toBeLessThan(identityBody.length);
        expect(response.headers.get('content-length')).toBe(String(body.length));
        expect(decode(body).equals(identityBody), path).toBe(true);
        const etag = response.headers.get('etag')!;
        expect(etag).not.toBe(identity.headers.get('etag'));
        expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}-(gzip|br)"$/);
        expect(response.headers.get('content-type')).toBe(identity.headers.get('content-type'));
      }
    },
  );

  it('br is preferred when both are accepted equally; q-values are honoured', async () => {
    expect(
      (await get('/rss.xml', { 'Accept-Encoding': 'gzip, deflate, br' })).headers.get(
        'content-encoding',
      ),
    ).toBe('br');
    expect(
      (await get('/rss.xml', { 'Accept-Encoding': 'br;q=0.5, gzip' })).headers.get(
        'content-encoding',
      ),
    ).toBe('gzip');
  });

  it('gzip;q=0 → identity', async () => {
    const response = await get('/rss.xml', { 'Accept-Encoding': 'gzip;q=0' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('etag')).toBe(site.get('/rss.xml')!.etag);
    expect((await bodyBytes(response)).equals(Buffer.from(site.get('/rss.xml')!.body))).toBe(true);
  });

  it('a compressed variant revalidates with its own tag', async () => {
    const first = await get('/feed.json', { 'Accept-Encoding': 'gzip' });
    const again = await get('/feed.json', {
      'Accept-Encoding': 'gzip',
      'If-None-Match': first.headers.get('etag')!,
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
  });
});

describe('?limit=', () => {
  it('limit=2 gives two items in each format, the newest', async () => {
    const rss = xml(await (await get('/rss.xml?limit=2')).text());
    expect(
      rss('item > title')
        .map((_, el) => rss(el).text())
        .get(),
    ).toEqual(catalog.articles.slice(0, 2).map((a) => a.title));
    const atom = xml(await (await get('/atom.xml?limit=2')).text());
    expect(atom('entry').length).toBe(2);
    const json = (await (await get('/feed.json?limit=2')).json()) as { items: unknown[] };
    expect(json.items).toHaveLength(2);
  });

  it('limit=1 on a category feed; a limit at or above the item count is the full feed', async () => {
    const one = xml(await (await get(`${CHINESE_FEED}?limit=1`)).text());
    expect(one('item').length).toBe(1);
    const all = await get('/rss.xml?limit=50');
    expect(all.headers.get('etag')).toBe(site.get('/rss.xml')!.etag);
  });

  it('a limited feed has its own ETag and revalidates', async () => {
    const limited = await get('/rss.xml?limit=2');
    expect(limited.headers.get('etag')).toMatch(STRONG_ETAG);
    expect(limited.headers.get('etag')).not.toBe(site.get('/rss.xml')!.etag);
    expect(
      (await get('/rss.xml?limit=2', { 'If-None-Match': limited.headers.get('etag')! })).status,
    ).toBe(304);
  });

  it.each(['0', '51', 'abc', '-1', '1.5', ''])(
    'limit=%s → 400 with a short message',
    async (value) => {
      const response = await get(`/rss.xml?limit=${value}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const text = await response.text();
      expect(text).toBe('Bad request: limit must be a whole number from 1 to 50.\n');
      expect(text.length).toBeLessThan(120);
    },
  );
});

describe('errors and redirects', () => {
  it('an unknown path → 404 with a small HTML page', async () => {
    const response = await get('/nope.xml');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).toContain('<h1>Not found</h1>');
    expect(text).toContain('href="/"');
    expect(text.length).toBeLessThan(8_000);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
  });

  it('unknown category and article → 404', async () => {
    expect((await get('/categories/nope/rss.xml')).status).toBe(404);
    expect((await get('/articles/0000000000000000/')).status).toBe(404);
  });

  it('a category or article directory without its slash → 301 to the slashed path', async () => {
    const response = await get('/categories/%E6%96%B0%E5%AA%92%E4%BD%93');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/categories/%E6%96%B0%E5%AA%92%E4%BD%93/');
    const article = await get(articlePath.slice(0, -1));
    expect(article.status).toBe(301);
    expect(article.headers.get('location')).toBe(articlePath);
    const follow = await get(response.headers.get('location')!);
    expect(follow.status).toBe(200);
  });

  it('the percent-encoded Chinese feed path → 200 with that category', async () => {
    const response = await get(CHINESE_FEED);
    expect(response.status).toBe(200);
    expect(xml(await response.text())('channel > title').text()).toBe('seedfeed — 新媒体');
  });

  it('bad percent-encoding → 400', async () => {
    for (const path of ['/%E0%A4%A', '/categories/%FF/rss.xml', '/%']) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(await response.text()).toBe(
        'Bad request: the path is not valid percent-encoded UTF-8.\n',
      );
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s → 405 with Allow', async (method) => {
    const response = await app.request('/rss.xml', { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(await response.text()).toContain('Method not allowed');
  });

  it('encoded dot segments and slashes are never resolved against the file system', async () => {
    for (const path of [
      '/categories/..%2F..%2Fetc%2Fpasswd',
      '/articles/%2E%2E%2F%2E%2E%2Frss.xml',
      '/..%2frss.xml',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain('<h1>Not found</h1>');
    }
  });

  it('?limit on an HTML page is ignored', async () => {
    expect((await get('/?limit=abc')).status).toBe(200);
  });
});

describe('health and startup', () => {
  it.each([
    ['starting', 503],
    ['ok', 200],
    ['degraded', 200],
  ] as const)('/healthz with status %s → %i and the health body', async (status, code) => {
    const body = { status, articles: 5, lastScan: '2026-01-01T00:00:00.000Z' };
    const healthApp = makeApp(
      () => site,
      () => ({ status, body }),
    );
    const response = await healthApp.request('/healthz');
    expect(response.status).toBe(code);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(body);
  });

  it('before the first scan, feeds and pages → 503 with Retry-After; /healthz still answers', async () => {
    const starting = makeApp(
      () => undefined,
      () => ({ status: 'starting', body: { status: 'starting' } }),
    );
    for (const path of ['/rss.xml', '/feed.json', '/', CHINESE_FEED]) {
      const response = await starting.request(path);
      expect(response.status, path).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    const health = await starting.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'starting' });
  });

  it('serves whichever Site is current', async () => {
    let current: Site | undefined;
    const live = makeApp(() => current);
    expect((await live.request('/rss.xml')).status).toBe(503);
    current = site;
    expect((await live.request('/rss.xml')).status).toBe(200);
  });
});
