import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseToolArgs, usageError } from '../shared/args.js';
import { fromDist } from '../shared/product.js';

type Module<M> = Promise<M>;
const [
  { createApp },
  { CatalogScanner },
  { ParsePool },
  { silentLogger },
  { RequestCounters },
  { Site },
  { encodePath },
] = await Promise.all([
  fromDist('http/app.js') as Module<typeof import('../../src/http/app.js')>,
  fromDist('catalog/catalog-scanner.js') as Module<
    typeof import('../../src/catalog/catalog-scanner.js')
  >,
  fromDist('workers/pool.js') as Module<typeof import('../../src/workers/pool.js')>,
  fromDist('log.js') as Module<typeof import('../../src/log.js')>,
  fromDist('http/request-counters.js') as Module<
    typeof import('../../src/http/request-counters.js')
  >,
  fromDist('render/site.js') as Module<typeof import('../../src/render/site.js')>,
  fromDist('render/urls.js') as Module<typeof import('../../src/render/urls.js')>,
]);

/**
 * The HTTP benchmark's servers, in one process (pinned to one core by the runner): seedfeed's
 * app over a scanned corpus, a Hono hello-world, and a raw node:http server answering with the
 * very bytes seedfeed would send. Prints their ports and the paths to load, as JSON.
 */
const OPTIONS = {
  seeds: { type: 'string', value: 'DIR', help: 'the corpus to serve (required)' },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/http-servers.ts',
  about: "The HTTP benchmark's servers, started by tools/bench/run.ts; prints their ports as JSON.",
};
const seedsDir =
  parseToolArgs(TOOL, OPTIONS).seeds ?? usageError(TOOL, OPTIONS, '--seeds is required');
const pool = new ParsePool();
const scanner = new CatalogScanner(
  { seedsDir, extensions: ['.md', '.txt', '.html'], maxFileBytes: 5 << 20 },
  undefined,
  pool,
);
const { catalog } = await scanner.scan();
const site = await Site.create(
  catalog,
  { baseUrl: 'http://127.0.0.1', siteTitle: 'seedfeed bench', limit: 50 },
  new Date(0),
);
await pool.close();

const biggest = [...catalog.categories].sort(
  (a, b) => b.articleIds.length - a.articleIds.length,
)[0]!;
const feedPath = `/categories/${biggest.slug}/rss.xml`;
const feed = site.get(feedPath)!;
const gzip = await feed.variant('gzip');
const index = site.get('/')!;

// Requests are counted as `seedfeed serve` counts them for /metrics.
const app = createApp({
  site: () => site,
  health: () => ({ status: 'ok', body: {} }),
  maxAge: 60,
  limit: 50,
  logger: silentLogger,
  requests: new RequestCounters(),
});
const hello = new Hono().get('/', (c) => c.text('Hello World'));

const raw = createServer((req, res) => {
  const common = {
    ETag: feed.etag,
    'Last-Modified': feed.lastModified.toUTCString(),
    'Cache-Control': 'public, max-age=60',
    Vary: 'Accept-Encoding',
  };
  if (req.headers['if-none-match']) {
    res.writeHead(304, common).end();
  } else if (req.url === '/index') {
    res
      .writeHead(200, {
        'Content-Type': index.contentType,
        'Content-Length': index.body.length,
        ETag: index.etag,
      })
      .end(index.body);
  } else if (req.headers['accept-encoding']?.includes('gzip')) {
    res
      .writeHead(200, {
        ...common,
        'Content-Type': feed.contentType,
        'Content-Encoding': 'gzip',
        'Content-Length': gzip.body.length,
        ETag: gzip.etag,
      })
      .end(gzip.body);
  } else {
    res
      .writeHead(200, {
        ...common,
        'Content-Type': feed.contentType,
        'Content-Length': feed.body.length,
      })
      .end(feed.body);
  }
});

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
const seedfeedServer = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
await new Promise((resolve) => seedfeedServer.once('listening', resolve));
const helloServer = serve({ fetch: hello.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
await new Promise((resolve) => helloServer.once('listening', resolve));

process.stdout.write(
  `${JSON.stringify({
    seedfeed: (seedfeedServer.address() as AddressInfo).port,
    hello: (helloServer.address() as AddressInfo).port,
    raw: await listen(raw),
    feedPath: encodePath(feedPath),
    feedBytes: feed.body.length,
    gzipBytes: gzip.body.length,
    etag: feed.etag,
    indexBytes: index.body.length,
  })}\n`,
);
process.on('SIGTERM', () => process.exit(0));
