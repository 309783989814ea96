import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The stall bench's clients: latency samples of requests to a service on 127.0.0.1. */

/** A free port on 127.0.0.1 (the service is told it: it prints its address only after its first scan). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Sample {
  readonly ms: number;
  readonly status: number;
}

export function get(
  agent: http.Agent,
  port: number,
  urlPath: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/**
 * `clients` loops asking `urlPath` until `until()` says stop, each `pauseMs` after the last answer
 * (0: back to back); connection errors (not listening yet) are skipped.
 */
export async function hammer(
  port: number,
  urlPath: string,
  until: () => boolean,
  clients: number,
  pauseMs = 0,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!until()) {
        const started = performance.now();
        try {
          const { status } = await get(agent, port, urlPath);
          samples.push({ ms: performance.now() - started, status });
          if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  agent.destroy();
  return samples;
}

/**
 * A client due to ask every `intervalMs`: each ask's latency counts from when it was due, so a
 * stall of 10 s is a thousand late asks, not one slow answer ("coordinated omission").
 */
export async function probe(
  port: number,
  urlPath: string,
  until: () => boolean,
  intervalMs = 10,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let due = performance.now();
  while (!until()) {
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let status = 0;
    try {
      status = (await get(agent, port, urlPath)).status;
    } catch {
      due += intervalMs; // not listening yet
      continue;
    }
    const done = performance.now();
    for (; due <= done; due += intervalMs) samples.push({ ms: done - due, status });
  }
  agent.destroy();
  return samples;
}

export function summary(label: string, samples: readonly Sample[]): string {
  if (samples.length === 0) return `${label}: no answers`;
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  const statuses = [...new Set(samples.map((s) => s.status))].join('/');
  return `${label.padEnd(40)} ${String(samples.length).padStart(6)} (${statuses})  p50 ${at(0.5).padStart(6)} ms  p99 ${at(0.99).padStart(7)} ms  max ${ms.at(-1)!.toFixed(1).padStart(8)} ms`;
}
