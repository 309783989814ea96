/**
 * Feed URLs readers guess (`/feed/`, `/index.xml`, `/categories/<slug>/feed`, …) answer 301 to the
 * canonical feed, query kept, GET and HEAD; real pages are never shadowed, and a guess after a
 * group that does not exist stays a 404. The alias table is the one render/feed-aliases.ts gives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { feedAliases, feedAliasTarget } from '../../src/render/feed-aliases.js';
import { Site } from '../../src/render/site.js';
import { encodePath } from '../../src/render/urls.js';
import { BASE_URL, BUILT_AT, SAMPLES, makeApp, makeSite, scanCatalog } from '../support/site.js';

let site: Site;
let app: Hono;
beforeAll(async () => {
  site = await makeSite(await scanCatalog(SAMPLES));
  app = makeApp(() => site);
});

describe('feedAliasTarget', () => {
  it.each([
    ['/feed', '/rss.xml'],
    ['/feed/', '/rss.xml'],
    ['/rss', '/rss.xml'],
    ['/atom', '/atom.xml'],
    ['/index.xml', '/rss.xml'],
    ['/feed.xml', '/rss.xml'],
    ['/rss.xml/', '/rss.xml'],
    ['/atom.xml/', '/atom.xml'],
    ['/feed.json/', '/feed.json'],
    ['/categories/新媒体/feed', '/categories/新媒体/rss.xml'],
    ['/categories/新媒体/feed/', '/categories/新媒体/rss.xml'],
    ['/tags/x/atom', '/tags/x/atom.xml'],
    ['/authors/趣头条/index.xml', '/authors/趣头条/rss.xml'],
  ])('%s → %s', (from, to) => expect(feedAliasTarget(from)).toBe(to));

  it.each([
    '/rss.xml',
    '/feeds',
    '/articles/abc/feed',
    '/categories/feed',
    '/categories/a/b/feed',
    '/archive/0/feed',
    '/x/feed',
    '/categories/新媒体/',
  ])('%s is no guess', (path) => expect(feedAliasTarget(path)).toBeUndefined());
});

describe('feedAliases of the samples', () => {
  it('lists each guess after each group page, pointing at a feed the site has', () => {
    const paths = new Set(site.paths());
    const aliases = feedAliases(paths);
    expect(aliases.slice(0, 3)).toEqual([
      { from: '/feed', to: '/rss.xml' },
      { from: '/feed/', to: '/rss.xml' },
      { from: '/rss', to: '/rss.xml' },
    ]);
    expect(aliases).toContainEqual({
      from: '/categories/新媒体/feed',
      to: '/categories/新媒体/rss.xml',
    });
    expect(aliases).toContainEqual({
      from: '/authors/趣头条/atom',
      to: '/authors/趣头条/atom.xml',
    });
    // 1 + categories + tags + authors groups, 11 guesses each.
    const groups = new Set(aliases.map((a) => a.to.slice(0, a.to.lastIndexOf('/') + 1)));
    expect(aliases).toHaveLength(groups.size * 11);
    for (const { from, to } of aliases) {
      expect(paths.has(from), from).toBe(false);
      expect(paths.has(to), to).toBe(true);
      expect(feedAliasTarget(from)).toBe(to);
    }
  });
});

describe('the server', () => {
  it.each(['GET', 'HEAD'])('answers every alias with 301 to its feed (%s)', async (method) => {
    for (const { from, to } of feedAliases(site.paths())) {
      const response = await app.request(encodePath(from), { method });
      expect(response.status, from).toBe(301);
      expect(response.headers.get('location'), from).toBe(encodePath(to));
    }
  });

  it('keeps the query string', async () => {
    const response = await app.request('/categories/%E6%96%B0%E5%AA%92%E4%BD%93/feed/?limit=1');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(
      '/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml?limit=1',
    );
    const followed = await app.request(response.headers.get('location')!);
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
  });

  it('redirects under the base URL’s path', async () => {
    const under = await Site.create(
      site.catalog,
      { baseUrl: `${BASE_URL}/news`, siteTitle: 'seedfeed', limit: 50 },
      BUILT_AT,
    );
    const response = await makeApp(() => under).request('/news/index.xml');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/news/rss.xml');
  });

  it('gives 404 for a guess after a group that does not exist, and serves real paths as before', async () => {
    expect((await app.request('/categories/nope/feed')).status).toBe(404);
    expect((await app.request('/articles/feed')).status).toBe(404);
    expect((await app.request('/rss.xml')).status).toBe(200);
    expect((await app.request('/categories/%E6%96%B0%E5%AA%92%E4%BD%93/')).status).toBe(200);
  });
});
