import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callOut } from '../../src/websub/outbound.js';
import { silentServer } from './subscriber.js';

const servers: Server[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function server(
  handler: Parameters<typeof createServer>[1],
): Promise<{ port: number; connections: () => number }> {
  const s = createServer(handler);
  let connections = 0;
  s.on('connection', () => connections++);
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as AddressInfo).port, connections: () => connections };
}

const OPTIONS = { timeoutMs: 2_000, maxBodyBytes: 16 };
const LOOPBACK = [{ address: '127.0.0.1', family: 4 as const }];

describe('callOut', () => {
  it('connects to the pinned address, naming the URL host in Host, and sends the body as given', async () => {
    let seen: { headers: IncomingHttpHeaders; body: string } | undefined;
    const { port } = await server((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        res.writeHead(204).end();
      });
    });
    const body = new TextEncoder().encode('<rss>ünïcode</rss>');
    // `pinned.invalid` cannot resolve (RFC 6761 §6.4): only the pinned lookup can get there.
    const outcome = await callOut(
      new URL(`http://pinned.invalid:${port}/cb?x=1`),
      { method: 'POST', headers: { 'Content-Type': 'application/rss+xml' }, body },
      OPTIONS,
      LOOPBACK,
    );
    expect(outcome).toEqual({ status: 204, body: '' });
    expect(seen!.headers.host).toBe(`pinned.invalid:${port}`);
    expect(seen!.headers['content-length']).toBe(String(body.byteLength));
    expect(seen!.body).toBe('<rss>ünïcode</rss>');
  });

  it('follows no redirect', async () => {
    const elsewhere = await server((_req, res) => res.end('secret'));
    const { port } = await server((_req, res) =>
      res.writeHead(302, { Location: `http://127.0.0.1:${elsewhere.port}/` }).end(),
    );
    const outcome = await callOut(
      new URL(`http://127.0.0.1:${port}/`),
      { method: 'GET' },
      OPTIONS,
      LOOPBACK,
    );
    expect(outcome.status).toBe(302);
    expect(elsewhere.connections()).toBe(0);
  });

  it('reads at most maxBodyBytes of the answer', async () => {
    const { port } = await server((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(1_000_000));
    });
    const outcome = await callOut(
      new URL(`http://127.0.0.1:${port}/`),
      { method: 'GET' },
      OPTIONS,
      LOOPBACK,
    );
    expect(outcome).toEqual({ status: 200, body: 'x'.repeat(16) });
  });

  it('gives up at the deadline, and when aborted', async () => {
    const silent = await silentServer();
    closers.push(silent.close);
    const url = new URL(`http://127.0.0.1:${silent.port}/`);
    expect(await callOut(url, { method: 'GET' }, { ...OPTIONS, timeoutMs: 100 }, LOOPBACK)).toEqual(
      { status: 0, body: '', error: 'timed out' },
    );
    const stop = new AbortController();
    const pending = callOut(
      url,
      { method: 'GET' },
      { ...OPTIONS, timeoutMs: 60_000, signal: stop.signal },
      LOOPBACK,
    );
    stop.abort();
    expect(await pending).toEqual({ status: 0, body: '', error: 'aborted' });
  });

  it('reports a refused connection as status 0', async () => {
    const { port } = await server((_req, res) => res.end());
    servers[0]!.close();
    servers.length = 0;
    const outcome = await callOut(
      new URL(`http://127.0.0.1:${port}/`),
      { method: 'GET' },
      OPTIONS,
      LOOPBACK,
    );
    expect(outcome).toMatchObject({ status: 0, error: 'ECONNREFUSED' });
  });
});
