import type { MiddlewareHandler } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log.js';

/** Longest path (with its query) and user agent written to the log: a client cannot make a line huge. */
const MAX_PATH = 1024;
const MAX_AGENT = 256;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Which validator made a 304: If-None-Match when the request sent one (it takes precedence over
 * If-Modified-Since, RFC 9110 §13.2.2), else If-Modified-Since. Undefined for any other status.
 */
function matchedValidator(status: number, headers: IncomingMessage['headers']): string | undefined {
  if (status !== 304) return undefined;
  return headers['if-none-match'] !== undefined ? 'etag' : 'last-modified';
}

/**
 * One `request` line per answered request, so an operator sees who polls what and whether their
 * validators match: method, path and query, status, bytes of the body sent, duration, the
 * validator that matched, user agent and client address. Written as JSON under --log-format json.
 */
export function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const headers = incoming?.headers ?? {};
    const status = c.res.status;
    const length = c.req.method === 'HEAD' ? 0 : Number(c.res.headers.get('content-length') ?? 0);
    const validator = matchedValidator(status, headers);
    logger.info('request', {
      method: c.req.method,
      path: cut(incoming?.url ?? new URL(c.req.url).pathname, MAX_PATH),
      status,
      bytes: length,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      ...(validator ? { validator } : {}),
      ...(headers['user-agent'] ? { agent: cut(headers['user-agent'], MAX_AGENT) } : {}),
      ...(incoming?.socket.remoteAddress ? { client: incoming.socket.remoteAddress } : {}),
    });
  };
}
