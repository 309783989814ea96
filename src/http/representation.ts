import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { routeOfPath, routeOfResource, type RequestCounter } from './request-counters.js';
import type { Resource } from '../render/resource.js';
import { chooseEncoding, isNotModified } from './conditional.js';

const MIN_COMPRESS_BYTES = 512;
const HTML_SECURITY = {
  // Article HTML is sanitized already; this is the second lock: no script runs on our pages.
  'Content-Security-Policy':
    "default-src 'none'; img-src * data:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  // For browsers older than frame-ancestors; and nosniff here too, for the 404 page.
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * A request header, read from Node's own request object when there is one: `c.req.header()`
 * first builds a Headers instance from the raw headers, which costs more than the rest of a 304.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return c.req.header(name);
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

export interface Representations {
  /** Answers a GET/HEAD of a resource: 304 if the client's copy is current, else 200 in the best encoding. */
  send(c: Context, resource: Resource): Promise<Response>;
  /** Answers with the site's 404 page. */
  sendNotFound(c: Context, page: Resource): Response;
}

/**
 * Responses for the resources of a Site: content negotiation, conditional GET and the headers of
 * each representation. Negotiated encodings and built headers are cached here, for one app.
 */
export function representations(options: {
  /** The Cache-Control of a resource that sets no max-age of its own. */
  readonly cacheControl: string;
  readonly requests: RequestCounter;
}): Representations {
  const { cacheControl, requests } = options;

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
    etag: string,
    /** The representation's length; undefined for a 304. */
    length: number | undefined,
  ): Record<string, string> {
    let byKey = headerCache.get(resource);
    if (!byKey) headerCache.set(resource, (byKey = new Map()));
    // Keyed by the ETag, which names the bytes (and the encoding): a document made again with
    // other bytes (render/resource.ts) gets its own headers, its own Content-Length among them.
    const key = `${length === undefined ? 304 : 200}${etag}`;
    let headers = byKey.get(key);
    if (!headers) {
      headers = {
        ETag: etag,
        'Last-Modified': resource.lastModified.toUTCString(),
        'Cache-Control':
          resource.maxAge === undefined ? cacheControl : `public, max-age=${resource.maxAge}`,
        // Vary even for identity: the answer depended on Accept-Encoding (RFC 9110 §12.5.5).
        Vary: 'Accept-Encoding',
        'X-Content-Type-Options': 'nosniff',
        ...(resource.isFeed ? { 'Access-Control-Allow-Origin': '*' } : HTML_SECURITY),
        ...(length !== undefined
          ? {
              'Content-Type': resource.contentType,
              'Content-Length': String(length),
              ...(encoding ? { 'Content-Encoding': encoding } : {}),
            }
          : {}),
      };
      byKey.set(key, headers);
    }
    return headers;
  }

  async function send(c: Context, resource: Resource): Promise<Response> {
    // Length and ETags outlive the bytes (a document the Site's budget dropped): a 304 is
    // answered without making the document or its variant again.
    const encoding =
      resource.size >= MIN_COMPRESS_BYTES
        ? encodingFor(requestHeader(c, 'accept-encoding'))
        : undefined;
    const etag = resource.etagOf(encoding);
    const conditional = {
      ifNoneMatch: requestHeader(c, 'if-none-match'),
      ifModifiedSince: requestHeader(c, 'if-modified-since'),
    };
    if (
      (conditional.ifNoneMatch !== undefined || conditional.ifModifiedSince !== undefined) &&
      isNotModified(conditional, [resource.etag, etag], resource.lastModified)
    ) {
      requests.count(routeOfResource(resource), 304, 0);
      return respond(c, null, 304, headersFor(resource, encoding, etag, undefined));
    }
    const sent = encoding
      ? (resource.ready(encoding) ?? (await resource.variant(encoding)))
      : { body: resource.body, etag: resource.etag };
    const { body } = sent;
    requests.count(routeOfResource(resource), 200, c.req.method === 'HEAD' ? 0 : body.length);
    // The ETag read again with the bytes: a document made again may name other bytes now.
    return respond(c, body, 200, headersFor(resource, encoding, sent.etag, body.length));
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

  return { send, sendNotFound };
}
