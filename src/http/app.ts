import { Hono, type Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log.js';
import { routeOfPath, routeOfResource, ROUTE, type RequestCounter } from './request-counters.js';
import type { Encoded, Resource } from '../render/resource.js';
import type { Site } from '../render/site.js';
import { chooseEncoding, isNotModified } from './conditional.js';
import { answerQuery } from './query.js';

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
const MIN_COMPRESS_BYTES = 512;
const HTML_SECURITY = {
  // Article HTML is sanitized already; this is the second lock: no script runs on our pages.
  'Content-Security-Policy':
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  // For browsers older than frame-ancestors; and nosniff here too, for the 404 page.
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
};

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

/**
 * A request header, read from Node's own request object when there is one: `c.req.header()`
 * first builds a Headers instance from the raw headers, which costs more than the rest of a 304.
 */
function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return c.req.header(name);
}

/** The request's URL, or just its path and query from Node's request (no URL string to build). */
function requestTarget(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.url?.startsWith('/') ? incoming.url : c.req.url;
}

/**
 * HEAD runs the GET handler; its body is dropped here but Content-Length is kept.
 *
 * A Response built directly, with a plain header object: `c.body()` would copy the headers into
 * a Headers instance that @hono/node-server then turns back into an object — per request, the
 * largest cost of a 304 (it halved their throughput).
 */
function respond(
  c: Context,
  body: Uint8Array | null,
  status: 200 | 304 | 404,
  headers: Record<string, string>,
): Response {
  return new Response(c.req.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer> | null), {
    status,
    headers,
  });
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
    if (!resource) return sendNotFound(c, site.notFound);

    // Filters, limit, opencc and search: variants made once per Site and query, each with its own ETag.
    const answer = search
      ? await answerQuery(site, lookup, resource, search.slice(1), options.limit)
      : resource;
    if (typeof answer === 'string') return text(c, 400, `Bad request: ${answer}`);
    return send(c, answer);
  });

  // Accept-Encoding values repeat (a few per client kind): negotiate each once.
  const negotiated = new Map<string, ReturnType<typeof chooseEncoding>>();
  const encodingFor = (acceptEncoding: string | undefined) => {
    if (acceptEncoding === undefined) return undefined;
    let choice = negotiated.get(acceptEncoding);
    if (choice === undefined && !negotiated.has(acceptEncoding)) {
      choice = chooseEncoding(acceptEncoding);
      if (negotiated.size < 256) negotiated.set(acceptEncoding, choice);
    }
    return choice;
  };

  /** Response headers of one representation, built once and kept with the resource. */
  const headerCache = new WeakMap<Resource, Map<string, Record<string, string>>>();
  function headersFor(
    resource: Resource,
    encoding: 'gzip' | 'br' | undefined,
    variant: Encoded,
    status: 200 | 304,
  ): Record<string, string> {
    let byKey = headerCache.get(resource);
    if (!byKey) headerCache.set(resource, (byKey = new Map()));
    const key = `${status}${encoding ?? ''}`;
    let headers = byKey.get(key);
    if (!headers) {
      headers = {
        ETag: variant.etag,
        'Last-Modified': resource.lastModified.toUTCString(),
        'Cache-Control':
          resource.maxAge === undefined ? cacheControl : `public, max-age=${resource.maxAge}`,
        // Vary even for identity: the answer depended on Accept-Encoding (RFC 9110 §12.5.5).
        Vary: 'Accept-Encoding',
        'X-Content-Type-Options': 'nosniff',
        ...(resource.isFeed ? { 'Access-Control-Allow-Origin': '*' } : HTML_SECURITY),
        ...(status === 200
          ? {
              'Content-Type': resource.contentType,
              'Content-Length': String(variant.body.length),
              ...(encoding ? { 'Content-Encoding': encoding } : {}),
            }
          : {}),
      };
      byKey.set(key, headers);
    }
    return headers;
  }

  async function send(c: Context, resource: Resource): Promise<Response> {
    const encoding =
      resource.body.length >= MIN_COMPRESS_BYTES
        ? encodingFor(requestHeader(c, 'accept-encoding'))
        : undefined;
    const variant = encoding
      ? (resource.ready(encoding) ?? (await resource.variant(encoding)))
      : resource;
    const conditional = {
      ifNoneMatch: requestHeader(c, 'if-none-match'),
      ifModifiedSince: requestHeader(c, 'if-modified-since'),
    };
    if (
      (conditional.ifNoneMatch !== undefined || conditional.ifModifiedSince !== undefined) &&
      isNotModified(conditional, [resource.etag, variant.etag], resource.lastModified)
    ) {
      requests.count(routeOfResource(resource), 304, 0);
      return respond(c, null, 304, headersFor(resource, encoding, variant, 304));
    }
    requests.count(
      routeOfResource(resource),
      200,
      c.req.method === 'HEAD' ? 0 : variant.body.length,
    );
    return respond(c, variant.body, 200, headersFor(resource, encoding, variant, 200));
  }

  function sendNotFound(c: Context, page: Resource): Response {
    requests.count(routeOfPath(c.req.path), 404, c.req.method === 'HEAD' ? 0 : page.body.length);
    return respond(c, page.body, 404, {
      'Content-Type': page.contentType,
      'Content-Length': String(page.body.length),
      'Cache-Control': 'no-store',
      ...HTML_SECURITY,
    });
  }

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
