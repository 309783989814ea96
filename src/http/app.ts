import { Hono, type Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log.js';
import { routeOfPath, ROUTE, type RequestCounter } from './request-counters.js';
import type { Site } from '../render/site.js';
import { feedAliasTarget } from '../render/feed-aliases.js';
import { answerQuery, BUSY } from './query.js';
import { FilterGate } from './filter-gate.js';
import { representations } from './representation.js';
import { DeltaFeeds } from './delta-feed.js';

export interface Health {
  readonly status: 'ok' | 'starting' | 'degraded';
  readonly body: Record<string, unknown>;
}

export interface AppOptions {
  /** The current scan result; undefined until the first scan finished. */
  readonly site: () => Site | undefined;
  readonly health: () => Health;
  /** Cache-Control max-age in seconds, tied to the rescan interval. */
  readonly maxAge: number;
  /** The largest `?limit=` accepted (the configured feed limit). */
  readonly limit: number;
  readonly logger: Logger;
  /** Counts requests by route and status for /metrics; nothing is counted without it. */
  readonly requests?: RequestCounter;
  /** Adds further routes (POST /websub, GET /metrics) ahead of the catch-all handlers. */
  readonly mount?: (app: Hono) => void;
}

const NO_COUNTING: RequestCounter = { count: () => undefined };

/** The methods every path answers; anything else is a 405 with this list. */
export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/** The path and query of a request URL or request target, without parsing a URL (a hot path). */
function splitUrl(url: string): { rawPath: string; search: string } {
  const start = url.startsWith('/') ? 0 : url.indexOf('/', url.indexOf('//') + 2);
  const q = url.indexOf('?', start);
  const h = url.indexOf('#', start);
  const end = q === -1 ? (h === -1 ? url.length : h) : h === -1 ? q : Math.min(q, h);
  return {
    rawPath: url.slice(start, end),
    search: q === -1 ? '' : url.slice(q, h === -1 ? url.length : h),
  };
}

function decodeSitePath(rawPath: string, prefix: string): string | undefined {
  let path = rawPath;
  if (prefix && (path === prefix || path.startsWith(`${prefix}/`)))
    path = path.slice(prefix.length) || '/';
  if (!path.includes('%')) return path;
  try {
    return path.split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
}

/** The request's URL, or just its path and query from Node's request (no URL string to build). */
function requestTarget(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.url?.startsWith('/') ? incoming.url : c.req.url;
}

function plainText(
  c: Context,
  status: 400 | 404 | 405 | 500 | 503,
  message: string,
  extra: Record<string, string> = {},
) {
  return c.body(`${message}\n`, status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...extra,
  });
}

/**
 * The Hono app: every GET/HEAD is a lookup in the current Site, answered from precomputed bytes
 * and validators — a 304 costs a header comparison, a 200 a map lookup. Only `/healthz` and
 * `?limit=` variants are computed per request.
 */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  const cacheControl = `public, max-age=${options.maxAge}`;
  const requests = options.requests ?? NO_COUNTING;
  const { send, sendNotFound } = representations({ cacheControl, requests });
  const filterGate = new FilterGate();
  const deltas = new DeltaFeeds(requests);
  // Text answers (errors, 503 before the first scan) are rare: counted under the route of their path.
  const text: typeof plainText = (c, status, message, extra) => {
    requests.count(
      routeOfPath(c.req.path),
      status,
      c.req.method === 'HEAD' ? 0 : Buffer.byteLength(message) + 1,
    );
    return plainText(c, status, message, extra);
  };

  app.get('/healthz', (c) => {
    const health = options.health();
    const status = health.status === 'starting' ? 503 : 200;
    requests.count(
      ROUTE.healthz,
      status,
      c.req.method === 'HEAD' ? 0 : Buffer.byteLength(JSON.stringify(health.body)),
    );
    return c.json(health.body, status, { 'Cache-Control': 'no-store' });
  });

  options.mount?.(app);

  app.get('*', async function serveSite(c) {
    const site = options.site();
    if (!site)
      return text(
        c,
        503,
        'seedfeed is scanning its seeds for the first time; try again in a moment.',
        { 'Retry-After': '2' },
      );
    const { rawPath, search } = splitUrl(requestTarget(c));
    const path = decodeSitePath(rawPath, site.urls.prefix);
    if (path === undefined)
      return text(c, 400, 'Bad request: the path is not valid percent-encoded UTF-8.');

    const lookup = path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path;
    // Feeds and list pages are in memory: only an article page may need to read its body.
    let resource = site.get(lookup) ?? (await site.load(lookup));
    if (!resource && !path.endsWith('/') && site.keyOf(`${path}/`)) {
      requests.count(routeOfPath(path), 301, 0);
      return c.redirect(`${rawPath}/${search}`, 301);
    }
    // A guessed feed URL (`/feed/`, `/index.xml`, `/categories/x/feed`) where nothing else is.
    const alias = resource ? undefined : feedAliasTarget(path);
    if (alias && site.get(alias)) {
      requests.count(routeOfPath(path), 301, 0);
      return c.redirect(`${site.urls.link(alias)}${search}`, 301);
    }
    if (!resource) return sendNotFound(c, site.notFound);

    // RFC 3229 `A-IM: feed`: only the items newer than the client's version, when it is known.
    const delta = search ? undefined : await deltas.answer(c, site, lookup, resource);
    if (delta) return delta;
    // Filters, limit, opencc and search: variants made once per Site and query, each with its own ETag.
    const answer = search
      ? await answerQuery(site, lookup, resource, search.slice(1), options.limit, filterGate)
      : resource;
    if (typeof answer === 'string') return text(c, 400, `Bad request: ${answer}`);
    if (answer === BUSY)
      return text(c, 503, 'Too many filter queries at once; try again in a moment.', {
        'Retry-After': '1',
      });
    return send(c, answer);
  });

  // OPTIONS says what a path allows; on a feed it is also the CORS preflight of a browser reader
  // that revalidates with If-None-Match (not a CORS-safelisted header, so it asks first).
  // Its 204 answers are counted here; its text answers count themselves.
  app.on('OPTIONS', '*', async (c, next) => {
    await next();
    if (c.res.status === 204) requests.count(routeOfPath(c.req.path), 204, 0);
  });
  app.options('*', (c) => {
    const allow = { Allow: ALLOWED_METHODS, 'Cache-Control': 'no-store' };
    const site = options.site();
    if (!site)
      return text(
        c,
        503,
        'seedfeed is scanning its seeds for the first time; try again in a moment.',
        { 'Retry-After': '2' },
      );
    const path = decodeSitePath(splitUrl(requestTarget(c)).rawPath, site.urls.prefix);
    if (path === undefined)
      return text(c, 400, 'Bad request: the path is not valid percent-encoded UTF-8.');
    const lookup = path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path;
    const resource = site.get(lookup);
    if (!resource && !site.keyOf(lookup)) return text(c, 404, 'Not found.');
    if (!resource?.isFeed) return c.body(null, 204, allow);
    return c.body(null, 204, {
      ...allow,
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': ALLOWED_METHODS,
      'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
      'Access-Control-Max-Age': '86400',
    });
  });

  app.all('*', (c) =>
    text(c, 405, 'Method not allowed: this site answers GET, HEAD and OPTIONS.', {
      Allow: ALLOWED_METHODS,
    }),
  );

  app.onError((error, c) => {
    options.logger.error('request_failed', {
      path: new URL(c.req.url).pathname,
      error: error.message,
    });
    return text(c, 500, 'Internal server error.');
  });

  return app;
}
