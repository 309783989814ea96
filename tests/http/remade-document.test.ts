/**
 * A document the Site's budget dropped and made again with other bytes (a body read again from a
 * file edited before the rescan: render/resource.ts) is sent with headers of its own: the new
 * bytes' ETag and Content-Length, not those cached for the first bytes.
 */
import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { gunzipSync } from 'node:zlib';
import { representations } from '../../src/http/representation.js';
import { DocumentBudget } from '../../src/render/document-budget.js';
import { Resource } from '../../src/render/resource.js';

const T0 = new Date('2030-01-01T00:00:00Z');

describe('a document made again with other bytes', () => {
  it.each([undefined, 'gzip'])('is sent with its own ETag and length (%s)', async (encoding) => {
    let text = '<rss>first</rss>'.padEnd(3000, ' ');
    const render = () => text;
    const budget = new DocumentBudget(0);
    const doc = new Resource('/rss.xml', 'application/rss+xml', render, T0, 'k').keepWithin(
      budget,
      render,
    );
    const other = new Resource('/atom.xml', 'application/atom+xml', 'x', T0, 'k2').keepWithin(
      budget,
      () => 'x',
    );
    const { send } = representations({
      cacheControl: 'public, max-age=60',
      requests: { count() {} },
    });
    const app = new Hono().get('/rss.xml', (c) => send(c, doc));
    const get = () =>
      app.request('/rss.xml', { headers: encoding ? { 'accept-encoding': encoding } : {} });
    const decoded = async (r: Response) => {
      const bytes = Buffer.from(await r.arrayBuffer());
      return (r.headers.get('content-encoding') === 'gzip' ? gunzipSync(bytes) : bytes).toString();
    };

    const first = await get();
    expect(await decoded(first)).toBe(text);
    void other.body; // the budget drops the feed
    text = '<rss>second, longer</rss>'.padEnd(3500, ' ');
    const second = await get();
    expect(await decoded(second)).toBe(text);
    expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(second.headers.get('etag')).toBe(doc.etagOf(encoding as 'gzip' | undefined));
    const sent = encoding ? (await doc.variant('gzip')).body.length : 3500;
    expect(second.headers.get('content-length')).toBe(String(sent));
  });
});
