/**
 * The index page as a browser sees it: a real server over the five samples, loaded by headless
 * Chromium (the DOM after load, as `--dump-dom` prints it), which runs the HTML parser, our CSP and
 * the encoding sniffing for real. Uses the machine's chromium, else the one from @sparticuz/chromium
 * (tests/support/chromium.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { load } from 'cheerio';
import type { Browser } from 'puppeteer-core';
import type { Catalog } from '../../src/model.js';
import { findChromium, launchChromium } from '../support/chromium.js';
import { systemTool } from '../support/system-tools.js';
import { SAMPLE, SAMPLES, articleFrom, makeTempDir, siteFor } from '../support/site.js';

let browser: Browser;
let server: http.Server;
let origin: string;
let catalog: Catalog;
let profile: Awaited<ReturnType<typeof makeTempDir>>;

beforeAll(async () => {
  const built = await siteFor(SAMPLES);
  catalog = built.catalog;
  server = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' }) as http.Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = await makeTempDir('seedfeed-chromium-');
  browser = await launchChromium({ userDataDir: path.join(profile.dir, 'profile') });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await profile?.remove();
});

/** The document after load, serialized as `--dump-dom` prints it (`documentElement.outerHTML`). */
async function dumpDom(url: string): Promise<string> {
  const page = await browser.newPage();
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: 25_000 });
    expect(response?.status(), url).toBe(200);
    // Evaluated in the page (the test's tsconfig has no DOM types, so the document is reached untyped).
    return await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { outerHTML: string } } }).document
          .documentElement.outerHTML,
    );
  } finally {
    await page.close();
  }
}

describe('headless Chromium', () => {
  it("is the machine's chromium where there is one, else the one from @sparticuz/chromium (SEEDFEED_TEST_NO_SYSTEM_TOOLS=1 hides the machine's)", async () => {
    const chromium = await findChromium();
    expect(chromium.source).toBe(systemTool('chromium') ? 'system' : 'bundled');
    if (process.env.SEEDFEED_TEST_NO_SYSTEM_TOOLS === '1') expect(chromium.source).toBe('bundled');
    expect(await browser.version()).toMatch(/^(Headless)?Chrome\/\d+\./);
  });

  it('renders the index with the site title, every category and every article title', async () => {
    const dom = await dumpDom(`${origin}/`);
    expect(dom).toContain('<h1>seedfeed</h1>');
    const $ = load(dom);
    expect($('title').text()).toBe('seedfeed');
    // Chromium decoded the bytes as UTF-8: the Chinese text arrives intact.
    const categoryNames = $('table.categories td:first-child a')
      .map((_, el) => $(el).text())
      .get();
    expect(categoryNames).toEqual(catalog.categories.map((c) => c.name));
    expect(categoryNames).toContain('新媒体');
    const titles = $('ul.articles a.title')
      .map((_, el) => $(el).text())
      .get();
    expect(titles).toEqual(catalog.articles.map((a) => a.title));
    expect(titles).toContain(SAMPLE.s000.title);
    // The feed autodiscovery links survived the browser's parse.
    expect($('link[rel="alternate"]').length).toBe(3);
    expect($('a[href="/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml"]').length).toBe(1);
  }, 30_000);

  it('renders an article page with its content and no script', async () => {
    const article = articleFrom(catalog, SAMPLE.s000.file);
    const dom = await dumpDom(`${origin}/articles/${article.id}/`);
    const $ = load(dom);
    expect($('h1').text()).toBe(SAMPLE.s000.title);
    expect($('article.content').text()).toContain('衡阳，是湖南著名的老工业基地');
    expect($('article.content img').length).toBeGreaterThan(0);
    expect($('script').length).toBe(0);
  }, 30_000);
});
