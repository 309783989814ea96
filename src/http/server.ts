import { getRequestListener, RequestError } from '@hono/node-server';
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AccessLog } from './access-log.js';
import { ALLOWED_METHODS } from './app.js';

/**
 * How long a client may take, and how many may be connected. Node's defaults let a client take
 * 60 s to send its headers and are checked only every 30 s, so a few thousand silent connections
 * could sit for up to 90 s each.
 */
export interface ServerLimits {
  /** Time to receive the whole request head; also ends connections that never send a byte. */
  readonly headersTimeoutMs: number;
  /** Time to receive the whole request. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** How often the two timeouts above are checked. */
  readonly checkIntervalMs: number;
  /** A connection with no traffic in either direction for this long is ended (a reader that stopped reading). */
  readonly inactivityTimeoutMs: number;
  /** Connections beyond this are closed at once (memory stays bounded whatever the file limit). */
  readonly maxConnections: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  inactivityTimeoutMs: 120_000,
  maxConnections: 10_000,
};

/** A complete HTTP/1.1 error response written straight to a socket, with `no-store`. */
function rawError(status: number, extra = ''): string {
  const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    'Cache-Control: no-store\r\n' +
    extra +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/** The status for a request Node's parser refused: 414 when the request line alone was too long. */
export function clientErrorStatus(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): number {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return error.rawPacket && !error.rawPacket.includes('\r\n') ? 414 : 431;
  return 400;
}

/**
 * The node:http server behind `seedfeed serve`: the Hono app's fetch, the limits above, and every
 * error Node or the adapter answers itself (a malformed request, an oversized head, a timeout, an
 * invalid Host) sent with `Cache-Control: no-store` like the app's own errors.
 */
export function createSiteServer(
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
  options: {
    readonly hostname?: string;
    readonly limits?: ServerLimits;
    /** Told of every request as it arrives (the access log watches it finish). */
    readonly onRequest?: AccessLog;
  } = {},
): Server {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const listener = getRequestListener(fetch, {
    // The host of a request without a Host header (HTTP/1.0).
    hostname: options.hostname,
    errorHandler: (error) => {
      const status = error instanceof RequestError ? 400 : 500;
      return new Response(`${STATUS_CODES[status]}\n`, {
        status,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    },
  });
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (request, response) => {
      options.onRequest?.(request, response);
      // `OPTIONS *` asks about the server itself; the adapter cannot make a URL of `*`.
      if (request.url !== '*') return void listener(request, response);
      const status = request.method === 'OPTIONS' ? 204 : 400;
      response
        .writeHead(status, {
          Allow: ALLOWED_METHODS,
          'Cache-Control': 'no-store',
          'Content-Length': '0',
        })
        .end();
    },
  );
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.inactivityTimeoutMs, (socket) => socket.destroy());

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent)
      return void socket.destroy();
    socket.end(rawError(clientErrorStatus(error)));
  });
  // CONNECT is not an ordinary request in node:http: without a listener the socket is dropped unanswered.
  server.on('connect', (_request, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(rawError(405, `Allow: ${ALLOWED_METHODS}\r\n`));
  });
  return server;
}

/** Listens on host:port; rejects with the listen error (port taken, address not available). */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A burst of connections beyond the accept backlog waits for SYN retries (1 s, 3 s, …).
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
