import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SUBSCRIPTIONS_FILE } from '../../src/websub/store.js';
import { tsxWorker } from '../shared/tsx.js';

/**
 * WebSub subscribers for the load tests: the worker (subscribers.ts) listening on `hosts`
 * loopback addresses, and a subscriptions file in the server's data directory, so the hub starts
 * with `count` subscriptions to /rss.xml (half of them signed) without verifying each — the state
 * of a hub that has been running a while.
 */
export const SUBSCRIBER_HOSTS = 8;
export const SUBSCRIBER_SECRET = 'loadtest secret';

export interface SubscriberCounts {
  readonly notifications: number;
  readonly bytes: number;
  readonly signed: number;
  readonly badSignatures: number;
  readonly maxConcurrent: number;
}

export interface HubSubscribers {
  report(): Promise<SubscriberCounts>;
  close(): Promise<void>;
}

export async function startHubSubscribers(dataDir: string, count: number): Promise<HubSubscribers> {
  const worker = tsxWorker(new URL('./subscribers.ts', import.meta.url), {
    workerData: { hosts: SUBSCRIBER_HOSTS, secret: SUBSCRIBER_SECRET },
  });
  const origins = await new Promise<string[]>((resolve, reject) => {
    worker.once('message', (m: { origins: string[] }) => resolve(m.origins));
    worker.once('error', reject);
  });
  const expiresAt = Date.now() + 24 * 3_600_000;
  const subscriptions = Array.from({ length: count }, (_, i) => ({
    // The topic string only goes into the Link header; the hub delivers by topicPath.
    topic: 'http://127.0.0.1/rss.xml',
    topicPath: '/rss.xml',
    callback: `${origins[i % origins.length]}/cb/${i}`,
    ...(i % 2 === 0 ? { secret: SUBSCRIBER_SECRET } : {}),
    leaseSeconds: 86_400,
    expiresAt,
  }));
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    path.join(dataDir, SUBSCRIPTIONS_FILE),
    JSON.stringify({ version: 1, subscriptions }),
    { mode: 0o600 },
  );
  return {
    report: () =>
      new Promise<SubscriberCounts>((resolve) => {
        worker.once('message', (m: { counts: SubscriberCounts }) => resolve(m.counts));
        worker.postMessage({ report: true });
      }),
    close: async () => {
      worker.postMessage({ close: true });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** The hub's delivery counters, from the Prometheus text of /metrics. */
export function hubDeliveries(metrics: string): { ok: number; failed: number } {
  const value = (result: string) =>
    Number(
      new RegExp(`^seedfeed_websub_deliveries_total\\{result="${result}"\\} (\\d+)`, 'm').exec(
        metrics,
      )?.[1] ?? NaN,
    );
  return { ok: value('ok'), failed: value('failed') };
}
