/**
 * Hostile requests against a real server (the node:http server `seedfeed serve` makes, with short
 * limits so the timeouts show within a test) on 127.0.0.1: raw sockets where a fetch client would
 * normalise the request. Every error carries `Cache-Control: no-store`; no path reaches outside
 * the in-memory Site (a file placed next to the export, or inside it, is never served); bad
 * `?limit=` values are 400s; oversized URLs and headers, unknown methods, slow and silent
 * clients are answered or cut cleanly while everyone else keeps being served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createApp } from '../../src/http/app.js';
import { createSiteServer, listen, type ServerLimits } from '../../src/http/server.js';
import { silentLogger } from '../../src/log.js';
import { Sandbox, liveConfig, writeSeed, type Dirs } from '../live/harness.js';

const LIMITS: ServerLimits = {
  headersTimeoutMs: 600,
  requestTimeoutMs: 1_500,
  keepAliveTimeoutMs: 500,
  checkIntervalMs: 100,
  inactivityTimeoutMs: 10_000,
  maxConnections: 10_000,
};
const SECRET = 'SECRET-NEXT-TO-THE-EXPORT';

const sandbox = new Sandbox();
const servers: Server[] = [];
let dirs: Dirs;
let port: number;

async function start(
  app: { fetch: (r: Request, env: unknown) => Response | Promise<Response> },
  limits = LIMITS,
): Promise<number> {
  const server = createSiteServer(app.fetch, { hostname: '127.0.0.1', limits });
  servers.push(server);
  await listen(server, '127.0.0.1', 0);
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'a.md', {
    title: 'Alpha',
    day: 1,
    categories: ['News'],
    body: 'First article.',
  });
  await writeSeed(dirs.seeds, 'b.md', {
    title: 'Beta',
    day: 2,
    categories: ['Sport'],
    body: 'Second article.',
  });
  const live = sandbox.live(liveConfig(dirs));
  await live.trigger('start');
  // Files a path-traversing server would find: next to the export, in it, and above it.
  await writeFile(path.join(dirs.root, 'secret.txt'), SECRET);
  await writeFile(path.join(dirs.out, 'secret.txt'), SECRET);
  await mkdir(path.join(dirs.root, 'etc'), { recursive: true });
  await writeFile(path.join(dirs.root, 'etc', 'rss.xml'), SECRET);
  const app = createApp({
    site: () => live.current(),
    health: () => live.health(),
    maxAge: 60,
    limit: 50,
    logger: silentLogger,
  });
  port = await start(app);
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await sandbox.cleanup();
});

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function parseResponse(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1)
    throw new Error(`no complete response head in ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: raw.slice(end + 4) };
}

/** Sends bytes exactly as given on a new connection and reads until the server closes it. */
function rawRequest(request: string | Buffer, onPort = port): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(onPort, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks).toString('latin1')));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const get = (target: string, headers = '') =>
  rawRequest(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);

async function expectServing(): Promise<void> {
  const ok = await get('/rss.xml');
  expect(ok.status).toBe(200);
  expect(ok.body).toContain('<![CDATA[Alpha]]>');
}

describe('every error response carries Cache-Control: no-store', () => {
  it.each([
    [
      '404 an unknown path',
      'GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      404,
    ],
    [
      '400 bad percent-encoding',
      'GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      400,
    ],
    [
      '400 a bad ?limit=',
      'GET /rss.xml?limit=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      400,
    ],
    [
      '405 POST',
      'POST /rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      405,
    ],
    ['400 from the parser: not HTTP', 'HELLO\r\n\r\n', 400],
    ['400 from the parser: an unknown method', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    [
      '400 an invalid Host header',
      'GET /rss.xml HTTP/1.1\r\nHost: a/b@c\r\nConnection: close\r\n\r\n',
      400,
    ],
    ['400 a header without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n', 400],
  ])('%s', async (_, request, status) => {
    const response = await rawRequest(request);
    expect(response.status).toBe(status);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).not.toMatch(/at \w+ \(|node:internal|\/work\/|\/tmp\//); // no stack, no path
  });

  it('500 (the app failing) and 503 (before the first scan) too', async () => {
    const failing = await start(
      createApp({
        site: () => {
          throw new Error('boom at /secret/path');
        },
        health: () => ({ status: 'ok', body: {} }),
        maxAge: 60,
        limit: 50,
        logger: silentLogger,
      }),
    );
    const failed = await rawRequest(
      'GET /rss.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      failing,
    );
    expect(failed.status).toBe(500);
    expect(failed.headers['cache-control']).toBe('no-store');
    expect(failed.body).not.toContain('boom');

    const starting = await start(
      createApp({
        site: () => undefined,
        health: () => ({ status: 'starting', body: { status: 'starting' } }),
        maxAge: 60,
        limit: 50,
        logger: silentLogger,
      }),
    );
    for (const target of ['/rss.xml', '/healthz']) {
      const response = await rawRequest(
        `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        starting,
      );
      expect(response.status, target).toBe(503);
      expect(response.headers['cache-control'], target).toBe('no-store');
    }
  });
});

describe('path traversal in every encoding never leaves the Site', () => {
  it.each([
    '/categories/..%2f..%2fetc/rss.xml',
    '/categories/..%2F..%2F..%2Fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/%2E%2E%2F%2E%2E%2Fetc%2Frss.xml',
    '/..%5csecret.txt',
    '/..%5C..%5Csecret.txt',
    '/../secret.txt',
    '/../../etc/rss.xml',
    '/categories/news/../../../secret.txt',
    '/./secret.txt',
    '//secret.txt',
    '/secret.txt',
    '/out/secret.txt',
    '/rss.xml%00',
    '/rss.xml%00.html',
    '/%00/../secret.txt',
    '/%252e%252e%252fsecret.txt',
    '/%25%32%65%25%32%65/secret.txt',
    '/.seedfeed-state.json',
    '/.seedfeed-manifest.json',
    'http://127.0.0.1/../secret.txt',
  ])('%s → 404', async (target) => {
    const response = await get(target);
    expect(response.status).toBe(404);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).not.toContain(SECRET);
  });

  it.each(['/..\\secret.txt', '/categories\\..\\..\\secret.txt', '/rss.xml\x00'])(
    'a raw backslash or NUL in the request line %j → 400 from the parser',
    async (target) => {
      const response = await get(target);
      expect(response.status).toBe(400);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).not.toContain(SECRET);
    },
  );

  it.each([
    '/%c0%ae%c0%ae/secret.txt',
    '/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt',
    '/%e0%80%ae%e0%80%ae/secret.txt',
    '/categories/%c0%af/rss.xml',
    '/%ff%fe/secret.txt',
  ])('overlong or invalid UTF-8 %s → 400', async (target) => {
    const response = await get(target);
    expect(response.status).toBe(400);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).not.toContain(SECRET);
  });

  it('the real paths next to them still work', async () => {
    await expectServing();
    expect((await get('/categories/news/rss.xml')).status).toBe(200);
  });
});

describe('?limit=', () => {
  it.each([
    '-1',
    '0',
    '1e309',
    '1e3',
    'NaN',
    'Infinity',
    '10%5E12',
    '10^12',
    '1000000000000',
    '0x10',
    '%205',
    '5%20',
    '1.0',
    '',
    '51',
    'limit',
  ])('limit=%s on a feed → 400 with no-store', async (value) => {
    const response = await get(`/feed.json?limit=${value}`);
    expect(response.status).toBe(400);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toBe('Bad request: limit must be a whole number from 1 to 50.\n');
  });

  it.each(['5&limit=5', '5&limit=7', '1&LIMIT=2&limit=2'])(
    'a repeated limit=%s → 400 with no-store',
    async (value) => {
      const response = await get(`/feed.json?limit=${value}`);
      expect(response.status).toBe(400);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toBe('Bad request: the parameter limit is given twice.\n');
    },
  );

  it('one plain value in range is served; %-encoded digits are digits; other parameters are ignored', async () => {
    for (const query of ['limit=1', 'limit=%31', 'utm_source=x&limit=1', 'limitless=9&limit=1']) {
      const response = await get(`/feed.json?${query}`);
      expect(response.status, query).toBe(200);
      expect((JSON.parse(response.body) as { items: unknown[] }).items, query).toHaveLength(1);
    }
  });
});

describe('oversized requests', () => {
  const huge = 'a'.repeat(64 * 1024);

  it('a 64 KB URL → 414 with no-store; the server stays up', async () => {
    const response = await get(`/${huge}`);
    expect(response.status).toBe(414);
    expect(response.headers['cache-control']).toBe('no-store');
    await expectServing();
  });

  it('a 64 KB query string → 414', async () => {
    expect((await get(`/rss.xml?limit=1&x=${huge}`)).status).toBe(414);
    await expectServing();
  });

  it('a 64 KB header, or many headers adding up to 64 KB → 431 with no-store; the server stays up', async () => {
    const one = await get('/rss.xml', `X-Big: ${huge}\r\n`);
    expect(one.status).toBe(431);
    expect(one.headers['cache-control']).toBe('no-store');
    const many = await get(
      '/rss.xml',
      Array.from({ length: 1024 }, (_, i) => `X-H${i}: ${'b'.repeat(60)}\r\n`).join(''),
    );
    expect(many.status).toBe(431);
    await expectServing();
  });
});

describe('methods', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'CONNECT'])(
    '%s → 405 with Allow: GET, HEAD, OPTIONS',
    async (method) => {
      const target = method === 'CONNECT' ? '127.0.0.1:80' : '/rss.xml';
      const response = await rawRequest(
        `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(response.headers['cache-control']).toBe('no-store');
      await expectServing();
    },
  );

  it('OPTIONS on a feed is a CORS preflight: 204 allowing any origin, GET/HEAD and the validators', async () => {
    const response = await rawRequest(
      'OPTIONS /categories/news/rss.xml HTTP/1.1\r\nHost: x\r\nOrigin: https://reader.example\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: if-none-match\r\nConnection: close\r\n\r\n',
    );
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      allow: 'GET, HEAD, OPTIONS',
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-max-age': '86400',
    });
    expect(response.headers['access-control-allow-headers']!.toLowerCase()).toContain(
      'if-none-match',
    );
    expect(response.body).toBe('');
  });

  it('OPTIONS on a page answers Allow without CORS; OPTIONS * answers for the server; an unknown path is 404', async () => {
    const page = await rawRequest('OPTIONS / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(page.status).toBe(204);
    expect(page.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const star = await rawRequest('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(star.status).toBe(204);
    expect(star.headers.allow).toBe('GET, HEAD, OPTIONS');
    const missing = await rawRequest(
      'OPTIONS /nothing/rss.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('HTTP/1.0 without a Host header is served', async () => {
    const response = await rawRequest('GET /rss.xml HTTP/1.0\r\n\r\n');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<![CDATA[Alpha]]>');
  });
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Times one GET on a fresh connection. */
async function timedGet(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/rss.xml`);
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

describe('slow and silent clients', () => {
  it('a client sending its headers byte by byte past headersTimeout gets a 408 and is cut; others are served meanwhile', async () => {
    const head = 'GET /rss.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n\r\n';
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<number>((resolve) =>
      socket.on('close', () => resolve(performance.now())),
    );
    socket.on('error', () => undefined);
    const started = performance.now();
    let sent = 0;
    const dripping = (async () => {
      for (const byte of head) {
        if (socket.destroyed) break;
        socket.write(byte);
        sent++;
        await sleep(40);
      }
    })();

    const others: Array<{ status: number; ms: number }> = [];
    while (!socket.destroyed && performance.now() - started < 3_000) others.push(await timedGet());
    const closedAt = await closed;
    await dripping;

    const response = parseResponse(Buffer.concat(received).toString('latin1'));
    expect(response.status).toBe(408);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(sent).toBeLessThan(head.length);
    expect(closedAt - started).toBeLessThan(
      LIMITS.headersTimeoutMs + 3 * LIMITS.checkIntervalMs + 1_000,
    );
    expect(others.length).toBeGreaterThan(5);
    expect(others.every((o) => o.status === 200)).toBe(true);
    // Generous: the suite runs test files in parallel on two cores.
    expect(Math.max(...others.map((o) => o.ms))).toBeLessThan(1_000);
  });

  it('a slow client within the limits is served', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    for (const part of [
      'GET /rss.xml HT',
      'TP/1.1\r\nHost: 12',
      '7.0.0.1\r\nConnection: cl',
      'ose\r\n\r\n',
    ]) {
      socket.write(part);
      await sleep(80);
    }
    await closed;
    expect(parseResponse(Buffer.concat(received).toString('latin1')).status).toBe(200);
  });

  it('2,000 idle connections: others are served at once, and the idle ones are closed after headersTimeout', async () => {
    const idle: net.Socket[] = [];
    const closedAt: number[] = [];
    const opened = performance.now();
    await Promise.all(
      Array.from(
        { length: 2_000 },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = net.connect(port, '127.0.0.1', () => resolve());
            socket.on('error', reject);
            socket.on('close', () => closedAt.push(performance.now()));
            socket.resume(); // read the server's 408, so its close is seen
            idle.push(socket);
          }),
      ),
    );
    try {
      const served = await Promise.all(Array.from({ length: 20 }, () => timedGet()));
      expect(served.every((s) => s.status === 200)).toBe(true);
      expect(Math.max(...served.map((s) => s.ms))).toBeLessThan(3_000);
      const deadline = opened + LIMITS.headersTimeoutMs + 10 * LIMITS.checkIntervalMs + 6_000;
      while (closedAt.length < idle.length && performance.now() < deadline) await sleep(50);
      expect(closedAt.length).toBe(2_000);
      await expectServing();
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });

  it('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write('GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    socket.on('data', () => undefined);
    const started = performance.now();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const lifetime = performance.now() - started;
    expect(lifetime).toBeGreaterThanOrEqual(LIMITS.keepAliveTimeoutMs - 50);
    expect(lifetime).toBeLessThan(LIMITS.keepAliveTimeoutMs + 1_500);
  });

  it('beyond maxConnections a new connection is closed at once, and served again once others go', async () => {
    const small = await start(
      createApp({
        site: () => undefined,
        health: () => ({ status: 'ok', body: { ok: true } }),
        maxAge: 60,
        limit: 50,
        logger: silentLogger,
      }),
      {
        ...LIMITS,
        headersTimeoutMs: 60_000,
        requestTimeoutMs: 60_000,
        maxConnections: 20,
      },
    );
    const held = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(small, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    await sleep(100);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(small, '127.0.0.1', () =>
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('error', () => resolve(`error ${data}`));
      socket.on('close', () => resolve(data));
    });
    expect(refused).not.toContain('200 OK');
    for (const socket of held) socket.destroy();
    await sleep(100);
    const response = await rawRequest(
      'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      small,
    );
    expect(response.status).toBe(200);
  });
});
