import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessLog } from '../../src/http/access-log.js';
import { createApp } from '../../src/http/app.js';
import { createSiteServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import type { Site } from '../../src/render/site.js';
import { makeSite, SAMPLES, scanCatalog } from '../support/site.js';

let site: Site;
let lines: Record<string, unknown>[];
let server: Server;
let base: string;

function startServer(logged: boolean): Promise<void> {
  const logger = createLogger({
    level: 'info',
    format: 'json',
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const app = createApp({
    site: () => site,
    health: () => ({ status: 'ok', body: {} }),
    maxAge: 60,
    limit: 50,
    logger,
  });
  server = createSiteServer(app.fetch, logged ? { onRequest: accessLog(logger) } : {});
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}
const stopServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
const requests = () => lines.filter((l) => l.event === 'request');

beforeAll(async () => {
  site = await makeSite(await scanCatalog(SAMPLES));
});

describe('the access log', () => {
  beforeAll(async () => {
    lines = [];
    await startServer(true);
  });
  afterAll(stopServer);

  it('writes one JSON line per request: method, path, status, bytes, duration, agent, client', async () => {
    lines.length = 0;
    const res = await fetch(`${base}/rss.xml?limit=2`, { headers: { 'User-Agent': 'Reader/1.0' } });
    await res.arrayBuffer();
    expect(requests()).toHaveLength(1);
    const [line] = requests();
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/rss.xml?limit=2',
      status: 200,
    });
    // What went on the wire, head included: fetch asked for gzip and br, and decodes what it gets.
    expect(line!.bytes).toBeGreaterThan(Number(res.headers.get('content-length')));
    expect(line!.bytes).toBeLessThan(Number(res.headers.get('content-length')) + 1500);
    expect(line).toMatchObject({
      agent: 'Reader/1.0',
      client: '127.0.0.1',
    });
    expect(line!.duration_ms).toBeTypeOf('number');
    expect(res.headers.get('content-encoding')).toBeTruthy();
    expect(line).not.toHaveProperty('validator');
  });

  it('says which validator matched on a 304', async () => {
    const first = await fetch(`${base}/atom.xml`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    lines.length = 0;
    const byEtag = await fetch(`${base}/atom.xml`, {
      headers: { 'If-None-Match': etag, 'If-Modified-Since': lastModified },
    });
    const byDate = await fetch(`${base}/atom.xml`, {
      headers: { 'If-Modified-Since': lastModified },
    });
    expect([byEtag.status, byDate.status]).toEqual([304, 304]);
    // A 304 is its head only.
    expect(requests().map((l) => [l.status, (l.bytes as number) < 1500, l.validator])).toEqual([
      [304, true, 'etag'],
      [304, true, 'last-modified'],
    ]);
  });

  it('logs 404s and HEAD (its head only) too, and cuts a huge path', async () => {
    lines.length = 0;
    await (await fetch(`${base}/no/such/page`)).arrayBuffer();
    await fetch(`${base}/rss.xml`, { method: 'HEAD' });
    await (await fetch(`${base}/${'x'.repeat(3000)}`)).arrayBuffer();
    const [missing, head, long] = requests();
    expect(missing).toMatchObject({ method: 'GET', path: '/no/such/page', status: 404 });
    expect(head).toMatchObject({ method: 'HEAD', path: '/rss.xml', status: 200 });
    expect(head!.bytes as number).toBeLessThan(1500);
    expect((long!.path as string).length).toBeLessThanOrEqual(1025);
  });

  it("logs the server's own answers too (OPTIONS *)", async () => {
    lines.length = 0;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(base);
      request({ host: url.hostname, port: url.port, method: 'OPTIONS', path: '*' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(204);
    expect(requests()).toMatchObject([{ method: 'OPTIONS', path: '*', status: 204 }]);
  });
});

describe('with --no-access-log', () => {
  beforeAll(async () => {
    lines = [];
    await startServer(false);
  });
  afterAll(stopServer);

  it('writes no request lines', async () => {
    await (await fetch(`${base}/rss.xml`)).arrayBuffer();
    expect(requests()).toEqual([]);
  });
});
