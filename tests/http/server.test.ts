/**
 * The app behind a real socket (@hono/node-server on 127.0.0.1, port 0): what in-process
 * `app.request` cannot show — Content-Length on HEAD over the wire, compression on the wire,
 * 304s without a body, redirects and percent-encoded paths as a client sends them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import type { Site } from '../../src/render/site.js';
import { SAMPLES, siteFor } from '../support/site.js';

let server: http.Server;
let origin: string;
let port: number;
let site: Site;

beforeAll(async () => {
  const built = await siteFor(SAMPLES);
  site = built.site;
  server = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' }) as http.Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request: no client-side decompression or redirect following, so we see the wire. */
function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path, headers: { connection: 'close', ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('over a real socket', () => {
  it('GET /rss.xml: 200 with the exact bytes and Content-Length', async () => {
    const response = await raw('GET', '/rss.xml');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(response.body.equals(Buffer.from(site.get('/rss.xml')!.body))).toBe(true);
    expect(response.headers['content-length']).toBe(String(response.body.length));
  });

  it.each([
    '/rss.xml',
    '/atom.xml',
    '/feed.json',
    '/opml.xml',
    '/',
    '/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml',
  ])('HEAD %s: Content-Length is sent and equals the GET body length; no body', async (path) => {
    const got = await raw('GET', path);
    const head = await raw('HEAD', path);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBeDefined();
    expect(head.headers['content-length']).toBe(String(got.body.length));
    expect(head.headers['content-type']).toBe(got.headers['content-type']);
    expect(head.headers.etag).toBe(got.headers.etag);
  });

  it('HEAD with Accept-Encoding: gzip announces the compressed length', async () => {
    const got = await raw('GET', '/feed.json', { 'accept-encoding': 'gzip' });
    const head = await raw('HEAD', '/feed.json', { 'accept-encoding': 'gzip' });
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.headers['content-length']).toBe(String(got.body.length));
    expect(gunzipSync(got.body).equals(Buffer.from(site.get('/feed.json')!.body))).toBe(true);
  });

  it('fetch() with If-None-Match → 304 with no body', async () => {
    const first = await fetch(`${origin}/atom.xml`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${origin}/atom.xml`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
  });

  it('a raw UTF-8 request path is answered like its percent-encoded form', async () => {
    const response = await fetch(`${origin}/categories/新媒体/feed.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { title: string }).title).toBe('seedfeed — 新媒体');
  });

  it('redirect, 404, 400 and 405 on the wire', async () => {
    const redirect = await raw('GET', '/categories/%E6%96%B0%E5%AA%92%E4%BD%93');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/categories/%E6%96%B0%E5%AA%92%E4%BD%93/');
    expect((await raw('GET', '/nothing-here')).status).toBe(404);
    expect((await raw('GET', '/%E0%A4%A')).status).toBe(400);
    const post = await raw('POST', '/rss.xml');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
  });
});
