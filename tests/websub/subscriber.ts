/**
 * A WebSub subscriber for the tests: a node:http server on 127.0.0.1 that answers the hub's
 * verification GETs (echoing hub.challenge, or refusing) and records every notification POST.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Verification {
  readonly mode: string | null;
  readonly topic: string | null;
  readonly challenge: string | null;
  readonly leaseSeconds: string | null;
  readonly reason: string | null;
  readonly path: string;
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
}

export class Subscriber {
  readonly verifications: Verification[] = [];
  readonly notifications: Notification[] = [];
  private readonly server: Server;
  origin = '';

  constructor(readonly behaviour: SubscriberBehaviour = {}) {
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
        });
        if (this.behaviour.confirm === false || q.get('hub.mode') === 'denied') return void response.writeHead(404).end('no');
        return void response.writeHead(200, { 'Content-Type': 'text/plain' }).end(q.get('hub.challenge') ?? '');
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.notifications.push({ path: url.pathname, headers: request.headers, body: Buffer.concat(chunks), at: Date.now() });
        if (this.behaviour.hang) return;
        response.writeHead(this.behaviour.notifyStatus ?? 204).end();
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  callback(path = '/cb'): string {
    return `${this.origin}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** POSTs a form-encoded request to the hub. */
export async function hubRequest(hubUrl: string, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<{ status: number; text: string }> {
  const response = await fetch(hubUrl, { method: 'POST', headers: { 'Content-Type': contentType }, body: new URLSearchParams(fields).toString() });
  return { status: response.status, text: await response.text() };
}
