/**
 * The security headers of HTML responses (index, category, article, 404; GET, HEAD and 304), the
 * nosniff on feeds, and what the static export can carry by itself: the referrer policy as a
 * `<meta>` in every page, since a static host sends none of these headers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import type { Catalog } from '../../src/model.js';
import type { Site } from '../../src/render/site.js';
import { SAMPLES, loadText, requestPath, siteFor } from '../support/site.js';

let app: Hono;
let site: Site;
let catalog: Catalog;

beforeAll(async () => {
  ({ app, site, catalog } = await siteFor(SAMPLES));
});

/** The CSP as a map of directive → sources. */
function directives(csp: string | null): Map<string, string[]> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...sources]) => [name!.toLowerCase(), sources]),
  );
}

function expectPageSecurity(headers: Headers, label: string) {
  const csp = directives(headers.get('content-security-policy'));
  // No script at all: scripts fall back to default-src, which is 'none'; nothing re-allows them.
  expect(csp.get('default-src'), label).toEqual(["'none'"]);
  expect(csp.has('script-src'), label).toBe(false);
  expect(csp.has('script-src-elem'), label).toBe(false);
  expect(csp.has('script-src-attr'), label).toBe(false);
  expect(csp.get('frame-ancestors'), label).toEqual(["'none'"]);
  expect(csp.get('base-uri'), label).toEqual(["'none'"]);
  expect(csp.has('object-src') ? csp.get('object-src') : ["'none'"], label).toEqual(["'none'"]);
  expect(headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(headers.get('referrer-policy'), label).toBe('no-referrer');
  expect(headers.get('x-frame-options'), label).toBe('DENY');
}

describe('HTML pages send the security headers', () => {
  const pages = () => [
    '/',
    `/categories/${catalog.categories[0]!.slug}/`,
    `/articles/${catalog.articles[0]!.id}/`,
  ];

  it('on GET and HEAD of the index, a category page and an article page', async () => {
    for (const p of pages()) {
      for (const method of ['GET', 'HEAD']) {
        const response = await app.request(requestPath(p), { method });
        expect(response.status, `${method} ${p}`).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expectPageSecurity(response.headers, `${method} ${p}`);
      }
    }
  });

  it('on a 304 and on a compressed answer', async () => {
    const first = await app.request('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expectPageSecurity(first.headers, 'gzip /');
    const again = await app.request('/', {
      headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': first.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expectPageSecurity(again.headers, '304 /');
  });

  it('on the 404 page', async () => {
    const response = await app.request('/no/such/page/');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expectPageSecurity(response.headers, '404');
  });

  it('feeds are not pages (readers fetch them cross-origin) but are never sniffed either', async () => {
    for (const p of ['/rss.xml', '/atom.xml', '/feed.json', '/opml.xml']) {
      const response = await app.request(p);
      expect(response.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
  });
});

describe('the static export carries what it can', () => {
  it('every page asks for no referrer in a <meta>, before any image', async () => {
    for (const p of site.paths()) {
      if (!p.endsWith('/')) continue;
      const text = await loadText(site, p);
      const meta = text.indexOf('<meta name="referrer" content="no-referrer">');
      expect(meta, p).toBeGreaterThan(0);
      const firstImage = text.indexOf('<img');
      if (firstImage !== -1) expect(meta, p).toBeLessThan(firstImage);
      expect(text, p).not.toMatch(/<script|http-equiv/i);
    }
  });
});
