import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { IncomingMessage } from 'node:http';
import { ROUTE, type RequestCounter } from '../http/request-counters.js';
import type { WebSubHub } from './hub.js';

/** A subscription request is a few form fields; anything bigger is not one. */
const MAX_REQUEST_BYTES = 8 * 1024;

/**
 * The client's address, which the hub's per-client limits are keyed by: the TCP peer, never a
 * header a client can write (X-Forwarded-For). Behind a reverse proxy every request comes from
 * the proxy and shares one client's limits.
 */
function clientAddress(c: Context): string {
  return (
    (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ??
    'unknown'
  );
}

/** Mounts `POST <path>` (the hub's public URL's path) on the app. */
export function mountWebSub(
  app: Hono,
  path: string,
  hub: WebSubHub,
  counter: RequestCounter,
): void {
  const reply = (
    c: Context,
    status: 202 | 400 | 403 | 404 | 413 | 415 | 429 | 503,
    message: string,
    retryAfter?: number,
  ) => {
    const body = `${message}\n`;
    counter.count(ROUTE.websub, status, Buffer.byteLength(body));
    return c.body(body, status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      // RFC 9110 §10.2.3, RFC 6585 §4: how long to wait before asking again.
      ...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}),
    });
  };
  app.post(
    path,
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: (c) => reply(c, 413, `A WebSub request is at most ${MAX_REQUEST_BYTES} bytes.`),
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
        return reply(
          c,
          415,
          'A WebSub request is application/x-www-form-urlencoded (W3C WebSub §5.1).',
        );
      }
      const answer = await hub.request(new URLSearchParams(await c.req.text()), clientAddress(c));
      return reply(c, answer.status, answer.message, answer.retryAfter);
    },
  );
}
