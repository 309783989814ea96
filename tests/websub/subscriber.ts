/**
 * A WebSub subscriber for the tests: a node:http server on a loopback address that answers the
 * hub's verification GETs (echoing hub.challenge, or refusing) and records every notification
 * POST. It also counts the TCP connections it accepted, so a test can prove that the hub made
 * none, and how many notifications were being answered at once.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Verification {
  readonly mode: string | null;
  readonly topic: string | null;
  readonly challenge: string | null;
  readonly leaseSeconds: string | null;
  readonly reason: string | null;
  readonly path: string;
  /** The Host header the hub sent. */
  readonly host: string | undefined;
}

export interface Notification {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Date.now() when the body had arrived. */
  readonly at: number;
}

export interface SubscriberBehaviour {
  /** Echo the challenge (default) or answer 404 to verification. */
  confirm?: boolean;
  /** Status for notification POSTs (default 204). */
  notifyStatus?: number;
  /** Never answer notification POSTs. */
  hang?: boolean;
  /** Answer subscribe/unsubscribe verifications only when release() is called. */
  holdVerifications?: boolean;
  /** Answer each notification this many milliseconds after its body arrived. */
  notifyDelayMs?: number;
}

/** Counts requests being answered at once, across one or several subscribers. */
export class Concurrency {
  current = 0;
  max = 0;
  enter(): void {
    this.current++;
    this.max = Math.max(this.max, this.current);
  }
  leave(): void {
    this.current--;
  }
}

export class Subscriber {
  readonly verifications: Verification[] = [];
  readonly notifications: Notification[] = [];
  /** TCP connections accepted. */
  connections = 0;
  /** Notifications being answered at once (this subscriber; pass a shared one to count several). */
  readonly notifying: Concurrency;
  private readonly server: Server;
  private held: Array<() => void> = [];
  origin = '';

  constructor(
    readonly behaviour: SubscriberBehaviour = {},
    shared?: Concurrency,
  ) {
    this.notifying = shared ?? new Concurrency();
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://subscriber');
      if (request.method === 'GET') {
        const q = url.searchParams;
        this.verifications.push({
          mode: q.get('hub.mode'),
          topic: q.get('hub.topic'),
          challenge: q.get('hub.challenge'),
          leaseSeconds: q.get('hub.lease_seconds'),
          reason: q.get('hub.reason'),
          path: url.pathname,
          host: request.headers.host,
        });
        if (this.behaviour.confirm === false || q.get('hub.mode') === 'denied')
          return void response.writeHead(404).end('no');
        const answer = () =>
          void response
            .writeHead(200, { 'Content-Type': 'text/plain' })
            .end(q.get('hub.challenge') ?? '');
        if (this.behaviour.holdVerifications) return void this.held.push(answer);
        return answer();
      }
      const chunks: Buffer[] = [];
      this.notifying.enter();
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.notifications.push({
          path: url.pathname,
          headers: request.headers,
          body: Buffer.concat(chunks),
          at: Date.now(),
        });
        if (this.behaviour.hang) return;
        const answer = () => {
          this.notifying.leave();
          response.writeHead(this.behaviour.notifyStatus ?? 204).end();
        };
        if (this.behaviour.notifyDelayMs) setTimeout(answer, this.behaviour.notifyDelayMs);
        else answer();
      });
    });
    this.server.on('connection', () => this.connections++);
  }

  async listen(host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    this.origin = `http://${host.includes(':') ? `[${host}]` : host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  callback(path = '/cb'): string {
    return `${this.origin}${path}`;
  }

  /** Verifications held back so far (holdVerifications). */
  get heldCount(): number {
    return this.held.length;
  }

  /** Answers every held verification. */
  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  async close(): Promise<void> {
    this.held = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** POSTs a form-encoded request to the hub. */
export async function hubRequest(
  hubUrl: string,
  fields: Record<string, string>,
  contentType = 'application/x-www-form-urlencoded',
): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const response = await fetch(hubUrl, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    text: await response.text(),
    retryAfter: response.headers.get('retry-after'),
  };
}

/** POSTs a subscription request from another loopback source address (another client to the hub). */
export function hubRequestFrom(
  localAddress: string,
  hubUrl: string,
  fields: Record<string, string>,
): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      hubUrl,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: res.headers['retry-after'],
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A server that accepts connections and never answers: holds whatever calls it. */
export async function silentServer(
  host = '127.0.0.1',
): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const { createServer: createTcp } = await import('node:net');
  let connections = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = createTcp((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
