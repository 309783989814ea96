import { Hono, type Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log.js';
import type { Encoded, Resource } from '../render/resource.js';
import type { Site } from '../render/site.js';
import { chooseEncoding, isNotModified } from './conditional.js';

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
}

const MIN_COMPRESS_BYTES = 512;
const HTML_SECURITY = {
  // Article HTML is sanitized already; this is the second lock: no script runs on our pages.
  'Content-Security-Policy': "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

/** The path and query of a request URL or request target, without parsing a URL (a hot path). */
function splitUrl(url: string): { rawPath: string; search: string } {
  const start = url.startsWith('/') ? 0 : url.indexOf('/', url.indexOf('//') + 2);
  const q = url.indexOf('?', start);
  const h = url.indexOf('#', start);
  const end = q === -1 ? (h === -1 ? url.length : h) : h === -1 ? q : Math.min(q, h);
  return { rawPath: url.slice(start, end), search: q === -1 ? '' : url.slice(q, h === -1 ? url.length : h) };
}

function decodeSitePath(rawPath: string, prefix: string): string | undefined {
  let path = rawPath;
  if (prefix && (path === prefix || path.startsWith(`${prefix}/`))) path = path.slice(prefix.length) || '/';
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
function respond(c: Context, body: Uint8Array | null, status: 200 | 304 | 404, headers: Record<string, string>): Response {
  return new Response(c.req.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer> | null), { status, headers });
}

function text(c: Context, status: 400 | 404 | 405 | 500 | 503, message: string, extra: Record<string, string> = {}) {
  return c.body(`${message}\n`, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
}

/**
 * The Hono app: every GET/HEAD is a lookup in the current Site, answered from precomputed bytes
 * and validators — a 304 costs a header comparison, a 200 a map lookup. Only `/healthz` and
 * `?limit=` variants are computed per request.
 */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  const cacheControl = `public, max-age=${options.maxAge}`;

  app.get('/healthz', (c) => {
    const health = options.health();
    return c.json(health.body, health.status === 'starting' ? 503 : 200, { 'Cache-Control': 'no-store' });
  });

  app.get('*', async function serveSite(c) {
    const site = options.site();
    if (!site) return text(c, 503, 'seedfeed is scanning its seeds for the first time; try again in a moment.', { 'Retry-After': '2' });
    const { rawPath, search } = splitUrl(requestTarget(c));
    const path = decodeSitePath(rawPath, site.urls.prefix);
    if (path === undefined) return text(c, 400, 'Bad request: the path is not valid percent-encoded UTF-8.');

    const lookup = path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path;
    // Feeds and list pages are in memory: only an article page may need to read its body.
    let resource = site.get(lookup) ?? (await site.load(lookup));
    if (!resource && !path.endsWith('/') && site.keyOf(`${path}/`)) {
      return c.redirect(`${rawPath}/${search}`, 301);
    }
    if (!resource) return sendNotFound(c, site.notFound);

    const limitParam = search ? c.req.query('limit') : undefined;
    if (limitParam !== undefined && resource.isFeed) {
      const limit = /^\d{1,6}$/.test(limitParam) ? Number(limitParam) : NaN;
      if (!(limit >= 1 && limit <= options.limit)) {
        return text(c, 400, `Bad request: limit must be a whole number from 1 to ${options.limit}.`);
      }
      resource = site.limited(resource.path, limit) ?? resource;
    }
    return send(c, resource);
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
  function headersFor(resource: Resource, encoding: 'gzip' | 'br' | undefined, variant: Encoded, status: 200 | 304): Record<string, string> {
    let byKey = headerCache.get(resource);
    if (!byKey) headerCache.set(resource, (byKey = new Map()));
    const key = `${status}${encoding ?? ''}`;
    let headers = byKey.get(key);
    if (!headers) {
      headers = {
        ETag: variant.etag,
        'Last-Modified': resource.lastModified.toUTCString(),
        'Cache-Control': cacheControl,
        // Vary even for identity: the answer depended on Accept-Encoding (RFC 9110 §12.5.5).
        Vary: 'Accept-Encoding',
        'X-Content-Type-Options': 'nosniff',
        ...(resource.isFeed ? { 'Access-Control-Allow-Origin': '*' } : HTML_SECURITY),
        ...(status === 200
          ? { 'Content-Type': resource.contentType, 'Content-Length': String(variant.body.length), ...(encoding ? { 'Content-Encoding': encoding } : {}) }
          : {}),
      };
      byKey.set(key, headers);
    }
    return headers;
  }

  async function send(c: Context, resource: Resource): Promise<Response> {
    const encoding = resource.body.length >= MIN_COMPRESS_BYTES ? encodingFor(requestHeader(c, 'accept-encoding')) : undefined;
    const variant = encoding ? (resource.ready(encoding) ?? (await resource.variant(encoding))) : resource;
    const conditional = { ifNoneMatch: requestHeader(c, 'if-none-match'), ifModifiedSince: requestHeader(c, 'if-modified-since') };
    if ((conditional.ifNoneMatch !== undefined || conditional.ifModifiedSince !== undefined) && isNotModified(conditional, [resource.etag, variant.etag], resource.lastModified)) {
      return respond(c, null, 304, headersFor(resource, encoding, variant, 304));
    }
    return respond(c, variant.body, 200, headersFor(resource, encoding, variant, 200));
  }

  function sendNotFound(c: Context, page: Resource): Response {
    return respond(c, page.body, 404, {
      'Content-Type': page.contentType,
      'Content-Length': String(page.body.length),
      'Cache-Control': 'no-store',
      ...HTML_SECURITY,
    });
  }

  app.all('*', (c) => text(c, 405, 'Method not allowed: this site answers GET and HEAD.', { Allow: 'GET, HEAD' }));

  app.onError((error, c) => {
    options.logger.error('request_failed', { path: new URL(c.req.url).pathname, error: error.message });
    return text(c, 500, 'Internal server error.');
  });

  return app;
}
