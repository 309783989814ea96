/**
 * A Site's feeds and list pages are held within a byte budget (render/document-budget.ts): past
 * it the least recently used are dropped and rendered again when asked for, with the same bytes
 * and ETag, and a conditional request of a dropped one is answered without rendering it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { Catalog } from '../../src/model.js';
import { Pipeline } from '../../src/pipeline.js';
import { DocumentBudget } from '../../src/render/document-budget.js';
import { Resource } from '../../src/render/resource.js';
import { Site, type SiteOptions } from '../../src/render/site.js';
import { BASE_URL, SAMPLES, SITE_TITLE, builtSite, makeApp, scanCatalog } from '../support/site.js';

const T0 = new Date('2030-01-01T00:00:00Z');
/** The next Site's clock: what it renders again of the last one's must not depend on it. */
const LATER = new Date('2030-01-01T01:00:00Z');
const options = (documentBytes: number): SiteOptions => ({
  baseUrl: BASE_URL,
  siteTitle: SITE_TITLE,
  limit: 50,
  documentBytes,
});

let catalog: Catalog;
let unbounded: Site;
/** Every eager document's bytes, rendered once with room for all of them. */
const reference = new Map<string, { body: Buffer; etag: string }>();
beforeAll(async () => {
  catalog = await scanCatalog(SAMPLES);
  unbounded = await Site.create(catalog, options(1 << 30), T0);
  for (const [path, r] of unbounded.resources)
    reference.set(path, { body: Buffer.from(r.body), etag: r.etag });
});

const feeds = (site: Site) => [...site.resources.values()].filter((r) => r.isFeed);

describe('the document budget', () => {
  it('holds no more than its bytes once every document has been rendered', async () => {
    const sizes = feeds(unbounded).map((r) => r.size);
    const bound = Math.max(...sizes) * 2;
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(bound * 2); // the samples are enough
    const site = await Site.create(catalog, options(bound), T0);
    for (const r of site.resources.values()) {
      void r.body;
      await r.variant('gzip');
      expect(site.budget.bytes).toBeLessThanOrEqual(bound);
    }
    const held = [...site.resources.values()].filter((r) => r.heldBytes > 0);
    expect(held.length).toBeLessThan(site.resources.size);
    // Never-dropped resources (the stylesheet, the icon) are not in it.
    expect(site.budget.bytes).toBe(
      [...site.budget.documents()].reduce((sum, d) => sum + d.heldBytes, 0),
    );
  });

  it('renders a dropped document again with the same bytes, ETag and gzip bytes', async () => {
    const site = await Site.create(catalog, options(0), T0);
    const [first, second] = feeds(site);
    const gzip = Buffer.from((await first!.variant('gzip')).body);
    void second!.body; // the only one held now
    expect(first!.heldBytes).toBe(0);
    expect(first!.etag).toBe(reference.get(first!.path)!.etag);
    expect(Buffer.from(first!.body).equals(reference.get(first!.path)!.body)).toBe(true);
    const again = await first!.variant('gzip');
    expect(Buffer.from(again.body).equals(gzip)).toBe(true);
    expect(again.etag).toBe(first!.etagOf('gzip'));
    expect(gunzipSync(again.body).equals(reference.get(first!.path)!.body)).toBe(true);
  });

  it('hands what it holds to the next Site, whose renderers make the same bytes', async () => {
    const site = await Site.create(catalog, options(1 << 30), T0);
    for (const r of site.resources.values()) void r.body;
    const held = site.budget.bytes;
    const next = await Site.create(catalog, options(1 << 30), LATER, site);
    const taken = feeds(next).filter((r) => site.resources.get(r.path) === r);
    expect(taken.length).toBe(feeds(next).length); // nothing changed: all taken over
    expect(next.budget.bytes).toBe(held);
    expect(site.budget.bytes).toBe(0);
    for (const r of taken) {
      r.evict();
      expect(r.heldBytes).toBe(0);
      expect(Buffer.from(r.body).equals(reference.get(r.path)!.body)).toBe(true);
    }
    expect(site.budget.bytes).toBe(0); // counted by the budget of the Site that serves them
    expect(next.budget.bytes).toBe(held);
  });
});

describe('an output the next Site takes over', () => {
  it('keeps nothing of the last Site alive: it renders with the next Site', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let first: Site | undefined = await Site.create(await scanCatalog(SAMPLES), options(0), T0);
    for (const r of first.resources.values()) void r.body;
    const gone = new WeakRef(first.catalog);
    // Another scan of the same files: another catalog, the same keys, so every output is taken over.
    const next = await Site.create(await scanCatalog(SAMPLES), options(0), LATER, first);
    expect(feeds(next).every((r) => first!.resources.get(r.path) === r)).toBe(true);
    first = undefined;
    for (let i = 0; i < 10 && gone.deref(); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(gone.deref()).toBeUndefined();
    for (const r of feeds(next)) {
      r.evict();
      expect(Buffer.from(r.body).equals(reference.get(r.path)!.body)).toBe(true);
    }
  });
});

describe('a conditional GET of a dropped document', () => {
  let site: Site;
  let app: ReturnType<typeof makeApp>;
  let a: Resource;
  let b: Resource;
  beforeAll(async () => {
    site = await Site.create(catalog, options(0), T0);
    app = makeApp(() => site);
    [a, b] = feeds(site) as [Resource, Resource];
  });

  for (const encoding of [undefined, 'gzip', 'br'] as const) {
    it(`answers 304 without rendering it (${encoding ?? 'identity'})`, async () => {
      const accept: Record<string, string> = encoding ? { 'Accept-Encoding': encoding } : {};
      const full = await app.request(a.path, { headers: accept });
      expect(full.status).toBe(200);
      const etag = full.headers.get('etag')!;
      expect(etag).toBe(a.etagOf(encoding));
      await app.request(b.path, { headers: accept }); // a is dropped
      expect(a.heldBytes).toBe(0);
      const cached = await app.request(a.path, { headers: { ...accept, 'If-None-Match': etag } });
      expect(cached.status).toBe(304);
      expect(cached.headers.get('etag')).toBe(etag);
      expect(a.heldBytes).toBe(0); // not rendered
      const since = await app.request(a.path, {
        headers: { ...accept, 'If-Modified-Since': full.headers.get('last-modified')! },
      });
      expect(since.status).toBe(304);
      expect(a.heldBytes).toBe(0);
      // A 200 after it is the same representation.
      const again = await app.request(a.path, { headers: accept });
      expect(again.headers.get('etag')).toBe(etag);
      expect(Buffer.from(await again.arrayBuffer())).toEqual(Buffer.from(await full.arrayBuffer()));
    });
  }
});

describe('--document-cache', () => {
  it('is the budget of the Sites serve and build make (16 MB unless set; 0 holds only the one in use)', async () => {
    const config = (flags: Record<string, string>, env: Record<string, string> = {}) =>
      loadConfig({ seeds: SAMPLES, ...flags }, env);
    expect(config({}).documentBytes).toBe(16 << 20);
    expect(config({ 'document-cache': '512KB' }).documentBytes).toBe(512 << 10);
    expect(config({}, { SEEDFEED_DOCUMENT_CACHE: '0' }).documentBytes).toBe(0);
    expect(() => config({ 'document-cache': 'lots' })).toThrow(ConfigError);
    const settings = config({ 'document-cache': '1KB' });
    const site = await builtSite(new Pipeline({ settings, clock: () => T0 }));
    expect(site.budget.maxBytes).toBe(1024);
  });
});

describe('a dropped document made again with other bytes', () => {
  it('is sent with them under their own ETag, not failed', async () => {
    // What a body read again from a file edited before the rescan does to a feed.
    let text = '<rss>old</rss>'.padEnd(4000, ' ');
    const render = () => text;
    const budget = new DocumentBudget(0);
    const doc = new Resource('/rss.xml', 'application/rss+xml', render, T0, 'k').keepWithin(
      budget,
      render,
    );
    const oldTag = doc.etag;
    const other = new Resource('/atom.xml', 'application/atom+xml', 'x', T0, 'k2');
    other.keepWithin(budget, () => 'x');
    void other.body; // drops the first: the budget holds only the one in use
    expect(doc.heldBytes).toBe(0);
    text = '<rss>new</rss>'.padEnd(4000, ' ');
    expect(Buffer.from(doc.body).toString()).toBe(text);
    expect(doc.etag).not.toBe(oldTag);
    expect(doc.size).toBe(4000);
    const gz = await doc.variant('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(text);
    expect(gz.etag).toBe(doc.etagOf('gzip'));
  });
});
