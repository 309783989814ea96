/**
 * The preview pages of the hostile directory in a real browser: headless Chromium (driven over
 * the DevTools protocol by puppeteer-core, no browser download) loads every HTML page, twice —
 * from seedfeed's server (with its Content-Security-Policy) and from a plain static server over
 * the export (no security headers at all, as a bare static host would serve it, so only the
 * sanitizer stands between a payload and the browser). Every XSS payload in the fixtures, if it
 * ran, would set `window.__pwned` and request the test's canary URL. Neither may ever happen; a
 * control page that does run such a payload proves the test would see it.
 * Uses the machine's chromium, else the one from @sparticuz/chromium (tests/support/chromium.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'puppeteer-core';
import { writeSite } from '../../src/export/write-site.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { fileForPath } from '../../src/render/urls.js';
import { launchChromium } from '../support/chromium.js';
import { scanConfig } from '../support/seeds.js';
import { makeApp, makeSite, makeTempDir, requestPath } from '../support/site.js';
import { writeHostileSeeds } from './corpus.js';

const CONTROL_PATH = '/__control/';
/** The same control page, sent with the security headers seedfeed's server puts on its pages. */
const LOCKED_CONTROL_PATH = '/__control-with-seedfeed-headers/';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const servers: http.Server[] = [];
let browser: Browser;
/** Tabs that load pages side by side: a navigation mostly waits, so a few at once cut the time. */
let tabs: Page[] = [];
const TABS = 6;
/** Every request the canary server received. */
const canaryHits: string[] = [];
let canary: string;
let appOrigin: string;
let staticOrigin: string;
let htmlPaths: string[] = [];
let articleCount = 0;
let categoryCount = 0;

/** Starts `server` on 127.0.0.1, any port (unless it was started already), and gives its origin. */
async function listen(server: http.Server, started = false): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
    if (!started) server.listen(0, '127.0.0.1');
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A static host without any security header: the export's files by path, nothing else. */
function staticServer(
  root: string,
  controlPage: string,
  pageHeaders: Record<string, string>,
): http.Server {
  return http.createServer((req, res) => {
    void (async () => {
      const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (urlPath === CONTROL_PATH || urlPath === LOCKED_CONTROL_PATH) {
        const locked = urlPath === LOCKED_CONTROL_PATH ? pageHeaders : {};
        res
          .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...locked })
          .end(controlPage);
        return;
      }
      const file = path.resolve(root, fileForPath(urlPath));
      if (!file.startsWith(`${root}${path.sep}`)) return void res.writeHead(404).end();
      try {
        const body = await readFile(file);
        const type = file.endsWith('.html')
          ? 'text/html; charset=utf-8'
          : 'application/octet-stream';
        res.writeHead(200, { 'Content-Type': type }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
}

beforeAll(async () => {
  temp = await makeTempDir('seedfeed-xss-');
  canary = await listen(
    http.createServer((req, res) => {
      canaryHits.push(req.url ?? '');
      res.writeHead(204).end();
    }),
  );
  const { seeds } = await writeHostileSeeds(temp.dir, canary);
  const { catalog } = await new CatalogScanner(scanConfig(seeds)).scan();
  const site = await makeSite(catalog);
  articleCount = catalog.articles.length;
  categoryCount = catalog.categories.length;
  for (const p of site.paths())
    if (site.get(p)?.contentType.startsWith('text/html') ?? p.startsWith('/articles/'))
      htmlPaths.push(p);
  htmlPaths = htmlPaths.sort();

  const out = path.join(temp.dir, 'out');
  await mkdir(out);
  await writeSite(site, out);
  const app = makeApp(() => site);
  appOrigin = await listen(
    serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as http.Server,
    true,
  );
  const control = `<!doctype html><title>control</title><img src="x" onerror="__pwned='control';(new Image).src='${canary}/control'"><script>__pwned='control';(new Image).src='${canary}/control-script'</script>`;
  const index = await app.request('/');
  const pageHeaders = Object.fromEntries(
    ['Content-Security-Policy', 'X-Frame-Options', 'Referrer-Policy', 'X-Content-Type-Options'].map(
      (name) => [name, index.headers.get(name) ?? ''],
    ),
  );
  staticOrigin = await listen(staticServer(out, control, pageHeaders));

  browser = await launchChromium({
    userDataDir: path.join(temp.dir, 'profile'),
    // Only 127.0.0.1 exists: images of img.example.com and evil.example fail at once.
    args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  tabs = await Promise.all(Array.from({ length: TABS }, () => browser.newPage()));
  for (const tab of tabs) {
    tab.on('dialog', (dialog) => {
      canaryHits.push(`dialog:${dialog.message()}`);
      void dialog.dismiss();
    });
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await temp?.remove();
});

/** Loads a page and reports what ran on it: the marker, if anything set it. */
async function visit(
  page: Page,
  url: string,
): Promise<{ status: number | undefined; pwned: unknown }> {
  const response = await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  // Handlers that fire after load (ontoggle, animation events) get a moment too.
  await new Promise((resolve) => setTimeout(resolve, 30));
  // Evaluated in the page (the test's tsconfig has no DOM types, so the global is reached untyped).
  const pwned = await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned);
  return { status: response?.status(), pwned };
}

describe('headless Chromium over every preview page of the hostile directory', () => {
  it('the control page runs its payload, and the test sees both the marker and the canary request', async () => {
    const result = await visit(tabs[0]!, `${staticOrigin}${CONTROL_PATH}`);
    expect(result.pwned).toBe('control');
    await expect.poll(() => canaryHits).toContain('/control');
    expect(canaryHits).toContain('/control-script');
    canaryHits.length = 0;
  });

  it("the same control page sent with seedfeed's page headers runs nothing: the CSP alone blocks inline script", async () => {
    const result = await visit(tabs[0]!, `${staticOrigin}${LOCKED_CONTROL_PATH}`);
    expect(result.pwned).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(canaryHits).toEqual([]);
  });

  it('lists every page: the index, each category page and each article page', () => {
    expect(htmlPaths).toContain('/');
    expect(htmlPaths.filter((p) => /^\/categories\/[^/]+\/$/.test(p))).toHaveLength(categoryCount);
    expect(htmlPaths.filter((p) => /^\/articles\/[^/]+\/$/.test(p))).toHaveLength(articleCount);
    expect(articleCount).toBeGreaterThan(25);
  });

  it.each([
    ['seedfeed server (with its CSP)', () => appOrigin],
    ['plain static host over the export (no security headers)', () => staticOrigin],
  ])(
    '%s: no payload runs on any page',
    async (_, origin) => {
      const pwnedOn: string[] = [];
      const statuses: string[] = [];
      const queue = [...htmlPaths];
      await Promise.all(
        tabs.map(async (tab) => {
          for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
            const { status, pwned } = await visit(tab, `${origin()}${requestPath(p)}`);
            if (status !== 200) statuses.push(`${p}: ${status}`);
            if (pwned !== undefined) pwnedOn.push(`${p}: ${String(pwned)}`);
          }
        }),
      );
      expect(statuses).toEqual([]);
      expect(pwnedOn).toEqual([]);
      // A request may arrive a little after its page was left: the canary is checked after all loads.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(canaryHits).toEqual([]);
    },
    120_000,
  );
});
