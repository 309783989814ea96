import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';

/** Longest path (with its query) and user agent written to the log: a client cannot make a line huge. */
const MAX_PATH = 1024;
const MAX_AGENT = 256;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Which validator made a 304: If-None-Match when the request sent one (it takes precedence over
 * If-Modified-Since, RFC 9110 §13.2.2), else If-Modified-Since. Undefined for any other status.
 */
function matchedValidator(status: number, request: IncomingMessage): string | undefined {
  if (status !== 304) return undefined;
  return request.headers['if-none-match'] !== undefined ? 'etag' : 'last-modified';
}

export type AccessLog = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * One `request` line per answered request, so an operator sees who polls what and whether their
 * validators match: method, path and query, status, bytes sent (head and body, as nginx's
 * `$bytes_sent`), duration, the
 * validator that matched, user agent and client address. Written as JSON under --log-format json.
 *
 * It watches node:http's response rather than the Hono app's: reading the app's Response headers
 * would make @hono/node-server build a full Response per request (its fast path avoids that), and
 * this way the server's own answers (`OPTIONS *`) are logged too.
 */
export function accessLog(logger: Logger): AccessLog {
  return (request, response) => {
    const started = performance.now();
    // Responses on one connection go one after the other: what the socket took meanwhile is ours.
    const socket = request.socket;
    const before = socket.bytesWritten;
    response.once('finish', () => {
      const status = response.statusCode;
      const validator = matchedValidator(status, request);
      const agent = request.headers['user-agent'];
      logger.info('request', {
        method: request.method,
        path: cut(request.url ?? '', MAX_PATH),
        status,
        bytes: socket.bytesWritten - before,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        ...(validator ? { validator } : {}),
        ...(agent ? { agent: cut(agent, MAX_AGENT) } : {}),
        ...(socket.remoteAddress ? { client: socket.remoteAddress } : {}),
      });
    });
  };
}
