import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS_FILE } from '../../src/websub/store.js';
import { BASE_URL, Sandbox, until, writeSeed, type Dirs } from '../live/harness.js';
import { startService, type Running } from './service.js';
import { hubRequest, Subscriber } from './subscriber.js';

const sandbox = new Sandbox();
const running: Running[] = [];
const subscribers: Subscriber[] = [];
const TOPIC = `${BASE_URL}/rss.xml`;

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all(subscribers.splice(0).map((s) => s.close()));
  await sandbox.cleanup();
});

async function setup(
  overrides: Parameters<typeof startService>[2] = {},
  behaviour: ConstructorParameters<typeof Subscriber>[0] = {},
) {
  const dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'first.md', {
    title: 'First post',
    day: 1,
    body: 'The first article.',
  });
  const r = await startService(dirs, {}, overrides);
  running.push(r);
  const sub = await new Subscriber(behaviour).listen();
  subscribers.push(sub);
  const answer = await hubRequest(r.hubEndpoint, {
    'hub.mode': 'subscribe',
    'hub.topic': TOPIC,
    'hub.callback': sub.callback(),
    'hub.lease_seconds': '120',
  });
  expect(answer.status).toBe(202);
  await r.service.hub!.idle();
  expect(r.service.hub!.list()).toHaveLength(1);
  return { dirs, r, sub };
}

async function change(dirs: Dirs, r: Running, day: number) {
  await writeSeed(dirs.seeds, `day-${day}.md`, {
    title: `Post of day ${day}`,
    day,
    body: `Written on day ${day}.`,
  });
  await r.service.live.trigger('test');
}

const savedCallbacks = async (dirs: Dirs) =>
  (
    JSON.parse(await readFile(path.join(dirs.data, SUBSCRIPTIONS_FILE), 'utf8')) as {
      subscriptions: Array<{ callback: string }>;
    }
  ).subscriptions.map((s) => s.callback);

describe('content distribution when the subscriber fails', () => {
  it('retries with growing delays, then drops the subscription', async () => {
    const { dirs, r, sub } = await setup(
      { hub: { retry: { attempts: 3, baseDelayMs: 40 } } },
      { notifyStatus: 500 },
    );
    await change(dirs, r, 2);
    await until('the subscription to be dropped', () =>
      r.service.hub!.list().length === 0 ? true : undefined,
    );
    await r.service.hub!.idle();

    expect(sub.notifications).toHaveLength(3);
    expect(r.service.hub!.stats()).toMatchObject({
      active: 0,
      deliveries: { ok: 0, failed: 3 },
      dropped: 1,
    });
    expect(await savedCallbacks(dirs)).toEqual([]);
    // Every attempt carried the same, newest content.
    expect(new Set(sub.notifications.map((n) => n.body.toString('utf8'))).size).toBe(1);
  });

  it('waits longer before each retry (exponential backoff)', async () => {
    const { dirs, r, sub } = await setup(
      { hub: { retry: { attempts: 3, baseDelayMs: 150 } } },
      { notifyStatus: 503 },
    );
    await change(dirs, r, 2);
    await until('three attempts', () => (sub.notifications.length >= 3 ? true : undefined));
    const [a, b, c] = sub.notifications.map((n) => n.at);
    // A retry is timed from the failed answer, which comes after its arrival here.
    expect(b! - a!).toBeGreaterThanOrEqual(150 - 2);
    expect(c! - b!).toBeGreaterThanOrEqual(300 - 2);
    expect(c! - b!).toBeLessThan(2_000);
  });

  it('recovers when a retry succeeds, and keeps the subscription', async () => {
    const { dirs, r, sub } = await setup(
      { hub: { retry: { attempts: 5, baseDelayMs: 30 } } },
      { notifyStatus: 500 },
    );
    await change(dirs, r, 2);
    await until('a failed attempt', () => sub.notifications[0]);
    sub.behaviour.notifyStatus = 200;
    await until('a second attempt', () => sub.notifications[1]);
    await r.service.hub!.idle();
    expect(r.service.hub!.stats()).toMatchObject({
      active: 1,
      deliveries: { ok: 1, failed: 1 },
      dropped: 0,
    });
  });

  it('drops the subscription at once on 410 Gone', async () => {
    const { dirs, r, sub } = await setup(
      { hub: { retry: { attempts: 5, baseDelayMs: 10_000 } } },
      { notifyStatus: 410 },
    );
    await change(dirs, r, 2);
    await until('the subscription to be dropped', () =>
      r.service.hub!.list().length === 0 ? true : undefined,
    );
    expect(sub.notifications).toHaveLength(1);
  });

  it('denies a subscription beyond the limit with hub.mode=denied', async () => {
    const { r } = await setup({ hub: { maxSubscriptions: 1 } });
    const late = await new Subscriber().listen();
    subscribers.push(late);
    const answer = await hubRequest(r.hubEndpoint, {
      'hub.mode': 'subscribe',
      'hub.topic': TOPIC,
      'hub.callback': late.callback(),
    });
    expect(answer.status).toBe(202);
    await r.service.hub!.idle();
    expect(late.verifications).toEqual([
      expect.objectContaining({
        mode: 'denied',
        topic: TOPIC,
        reason: expect.stringMatching(/as many subscriptions/),
      }),
    ]);
    expect(r.service.hub!.list()).toHaveLength(1);
  });

  it('stops promptly with a delivery in flight, and keeps the subscription', async () => {
    const { dirs, r, sub } = await setup({}, { hang: true });
    await change(dirs, r, 2);
    await until('the delivery to arrive', () => sub.notifications[0]);
    const started = Date.now();
    await r.stop();
    expect(Date.now() - started).toBeLessThan(2_000); // the request deadline is 10 s
    expect(r.service.hub!.stats()).toMatchObject({
      active: 1,
      deliveries: { ok: 0, failed: 0 },
      dropped: 0,
    });
    expect(await savedCallbacks(dirs)).toEqual([sub.callback()]);
  });

  it('drops expired leases, also from the file', async () => {
    let now = Date.now();
    const { dirs, r, sub } = await setup({ hub: { now: () => now } });
    const [subscription] = r.service.hub!.list();
    expect(subscription!.expiresAt).toBe(now + 120_000);
    now += 121_000;
    await change(dirs, r, 2);
    await r.service.hub!.idle();
    expect(r.service.hub!.list()).toEqual([]);
    expect(sub.notifications).toHaveLength(0);
    expect(await savedCallbacks(dirs)).toEqual([]);
  });

  it('does not wait for a subscriber that never answers (request timeout)', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'first.md', {
      title: 'First post',
      day: 1,
      body: 'The first article.',
    });
    const r = await startService(dirs, {}, { hub: { verification: { timeoutMs: 200 } } });
    running.push(r);
    // A callback that accepts the connection and never answers.
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const answer = await hubRequest(r.hubEndpoint, {
        'hub.mode': 'subscribe',
        'hub.topic': TOPIC,
        'hub.callback': `http://127.0.0.1:${port}/cb`,
      });
      expect(answer.status).toBe(202);
      await r.service.hub!.idle();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(r.service.hub!.stats().verifications).toEqual({ ok: 0, failed: 1 });
    } finally {
      silent.close();
    }
  });
});
