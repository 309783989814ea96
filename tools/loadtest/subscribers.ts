import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The load test's WebSub subscribers, in a worker thread (the main thread's clients keep its
 * event loop busy): one node:http server on each of `hosts` loopback addresses (127.0.0.1,
 * 127.0.0.2, …), answering every notification 204 once its body is in. Counts notifications,
 * bytes, bad signatures and the most answered at once, and reports them when asked.
 */
const { hosts, secret } = workerData as { hosts: number; secret: string };

const counts = { notifications: 0, bytes: 0, badSignatures: 0, signed: 0, maxConcurrent: 0 };
let concurrent = 0;
const servers: Server[] = [];
const origins: string[] = [];

for (let h = 1; h <= hosts; h++) {
  const host = `127.0.0.${h}`;
  const server = createServer((request, response) => {
    concurrent++;
    counts.maxConcurrent = Math.max(counts.maxConcurrent, concurrent);
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      concurrent--;
      const body = Buffer.concat(chunks);
      counts.notifications++;
      counts.bytes += body.length;
      const signature = request.headers['x-hub-signature'];
      if (typeof signature === 'string') {
        counts.signed++;
        if (signature !== `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
          counts.badSignatures++;
      }
      response.writeHead(204).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  origins.push(`http://${host}:${(server.address() as AddressInfo).port}`);
}

parentPort!.postMessage({ origins });
parentPort!.on('message', (m: { report?: boolean; close?: boolean }) => {
  if (m.report) parentPort!.postMessage({ counts });
  if (m.close) {
    for (const s of servers) s.closeAllConnections();
    void Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))).then(() =>
      parentPort!.close(),
    );
  }
});
