/**
 * The hub must not be an amplifier or a memory sink for an anonymous client: subscription
 * requests are limited per client and per callback target (429 with Retry-After), the
 * subscription caps hold exactly under concurrency, denial GETs count against the same limits,
 * verification slots are shared fairly, and deliveries go through a bounded queue.
 *
 * Clients are told apart by source address: the tests send from 127.0.0.1, 127.0.0.2, … .
 * Every assertion is on counts and statuses, never on durations.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS_FILE } from '../../src/websub/store.js';
import { BASE_URL, Sandbox, until, writeSeed } from '../live/harness.js';
import { startService, type Running } from './service.js';
import { Concurrency, hubRequest, hubRequestFrom, silentServer, Subscriber } from './subscriber.js';

const sandbox = new Sandbox();
const running: Running[] = [];
const cleanups: Array<() => Promise<void>> = [];
const TOPIC = `${BASE_URL}/rss.xml`;
const OPEN = { perSecond: 1000, burst: 1000 };

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all(cleanups.splice(0).map((c) => c()));
  await sandbox.cleanup();
});

async function subscriber(
  host = '127.0.0.1',
  behaviour: ConstructorParameters<typeof Subscriber>[0] = {},
  shared?: Concurrency,
): Promise<Subscriber> {
  const s = await new Subscriber(behaviour, shared).listen(host);
  cleanups.push(() => s.close());
  return s;
}

async function start(overrides: Parameters<typeof startService>[2] = {}) {
  const dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'first.md', {
    title: 'First post',
    day: 1,
    body: 'The first article.',
  });
  const r = await startService(dirs, {}, overrides);
  running.push(r);
  return { dirs, r };
}

const form = (callback: string, mode = 'subscribe') => ({
  'hub.mode': mode,
  'hub.topic': TOPIC,
  'hub.callback': callback,
});

describe('subscription requests are limited per client', () => {
  it('answers 429 with Retry-After past the per-client rate, and calls nobody for it', async () => {
    const { r } = await start({
      hub: { clientRate: { perSecond: 0.01, burst: 3 }, targetRate: OPEN },
    });
    const sub = await subscriber();
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await hubRequest(r.hubEndpoint, form(sub.callback(`/cb/${i}`))));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429, 429]);
    for (const a of answers.slice(3)) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.text).toMatch(/too many/i);
    }
    await r.service.hub!.idle();
    expect(sub.verifications).toHaveLength(3);
    // Another client is not affected.
    expect(
      (await hubRequestFrom('127.0.0.2', r.hubEndpoint, form(sub.callback('/cb/other')))).status,
    ).toBe(202);
  });

  it('counts denial GETs against the same limit: a full hub is no amplifier', async () => {
    const { r } = await start({
      hub: { maxSubscriptions: 1, clientRate: { perSecond: 0.01, burst: 4 }, targetRate: OPEN },
    });
    const sub = await subscriber();
    expect((await hubRequest(r.hubEndpoint, form(sub.callback('/first')))).status).toBe(202);
    await r.service.hub!.idle();
    expect(r.service.hub!.list()).toHaveLength(1);

    const statuses = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await hubRequest(r.hubEndpoint, form(sub.callback(`/late/${i}`)))).status);
    await r.service.hub!.idle();
    expect(statuses).toEqual([202, 202, 202, ...Array(7).fill(429)]);
    expect(sub.verifications.map((v) => v.mode)).toEqual([
      'subscribe',
      'denied',
      'denied',
      'denied',
    ]);
  });

  it('limits requests per callback target, whichever clients send them', async () => {
    const { r } = await start({
      hub: { clientRate: OPEN, targetRate: { perSecond: 0.01, burst: 2 } },
    });
    const sub = await subscriber();
    const statuses = [];
    for (const client of ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      const answer = await hubRequestFrom(
        client,
        r.hubEndpoint,
        form(sub.callback(`/from/${client}`)),
      );
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(statuses).toEqual([202, 202, 429, 429]);
    await r.service.hub!.idle();
    expect(sub.verifications).toHaveLength(2);
  });
});

describe('caps that hold under concurrency', () => {
  it('keeps the global subscription cap exact while verifications are pending', async () => {
    const { r } = await start({
      hub: {
        maxSubscriptions: 5,
        clientRate: OPEN,
        targetRate: OPEN,
        clientInFlight: 100,
        maxPendingVerifications: 100,
      },
    });
    const sub = await subscriber('127.0.0.1', { holdVerifications: true });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        hubRequest(r.hubEndpoint, form(sub.callback(`/cb/${i}`))),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
    // Every request has reached the subscriber: held verifications plus denials.
    await until('all twelve GETs', () => (sub.verifications.length === 12 ? true : undefined));
    sub.release();
    await r.service.hub!.idle();
    expect(r.service.hub!.list()).toHaveLength(5);
    expect(sub.verifications.filter((v) => v.mode === 'denied')).toHaveLength(7);
    expect(r.service.hub!.stats()).toMatchObject({ active: 5, pending: 0 });
  });

  it('caps subscriptions per callback host', async () => {
    const { r } = await start({
      hub: { maxSubscriptionsPerHost: 2, clientRate: OPEN, targetRate: OPEN },
    });
    const one = await subscriber('127.0.0.1');
    const two = await subscriber('127.0.0.2');
    for (const path of ['/a', '/b', '/c']) {
      expect((await hubRequest(r.hubEndpoint, form(one.callback(path)))).status).toBe(202);
      await r.service.hub!.idle();
    }
    expect(one.verifications.map((v) => v.mode)).toEqual(['subscribe', 'subscribe', 'denied']);
    expect(one.verifications[2]!.reason).toMatch(/host/);
    expect((await hubRequest(r.hubEndpoint, form(two.callback('/a')))).status).toBe(202);
    await r.service.hub!.idle();
    expect(
      r.service
        .hub!.list()
        .map((s) => new URL(s.callback).hostname)
        .sort(),
    ).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.2']);
  });

  it('does not let one client hold every verification slot', async () => {
    const { r } = await start({
      hub: { maxPendingVerifications: 4, clientInFlight: 2, clientRate: OPEN, targetRate: OPEN },
    });
    const silent = await silentServer();
    cleanups.push(silent.close);
    const greedy = [];
    for (let i = 0; i < 4; i++)
      greedy.push(
        (await hubRequest(r.hubEndpoint, form(`http://127.0.0.1:${silent.port}/hold/${i}`))).status,
      );
    expect(greedy).toEqual([202, 202, 429, 429]);

    // Another client still gets through while the first one's callbacks hang.
    const sub = await subscriber('127.0.0.1');
    expect((await hubRequestFrom('127.0.0.2', r.hubEndpoint, form(sub.callback()))).status).toBe(
      202,
    );
    await until('the other client subscribed', () =>
      r.service.hub!.list().length === 1 ? true : undefined,
    );
    expect(silent.connections()).toBeLessThanOrEqual(2);
  });
});

describe('deliveries go through a bounded queue', () => {
  it('sends at most `concurrency` notifications at once, and at most `perHost` to one host', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'first.md', {
      title: 'First post',
      day: 1,
      body: 'The first article.',
    });
    const all = new Concurrency();
    const subs = await Promise.all(
      ['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((host) =>
        subscriber(host, { notifyDelayMs: 30 }, undefined),
      ),
    );
    // Count across the three hosts as well.
    for (const s of subs) {
      const own = s.notifying;
      const enter = own.enter.bind(own);
      const leave = own.leave.bind(own);
      own.enter = () => (enter(), all.enter());
      own.leave = () => (leave(), all.leave());
    }
    // Thirty subscriptions restored from the data directory (no verification needed).
    const expiresAt = Date.now() + 3_600_000;
    const subscriptions = subs.flatMap((s) =>
      Array.from({ length: 10 }, (_, i) => ({
        topic: TOPIC,
        topicPath: '/rss.xml',
        callback: s.callback(`/n/${i}`),
        leaseSeconds: 3600,
        expiresAt,
      })),
    );
    await mkdir(dirs.data, { recursive: true });
    await writeFile(
      path.join(dirs.data, SUBSCRIPTIONS_FILE),
      JSON.stringify({ version: 1, subscriptions }),
    );

    const r = await startService(dirs, {}, { hub: { delivery: { concurrency: 4, perHost: 2 } } });
    running.push(r);
    await r.service.hub!.idle();
    await writeSeed(dirs.seeds, 'second.md', {
      title: 'Second post',
      day: 2,
      body: 'For thirty subscribers.',
    });
    await r.service.live.trigger('test');
    await r.service.hub!.idle();

    for (const s of subs) {
      expect(new Set(s.notifications.map((n) => n.path)).size).toBe(10);
      expect(s.notifying.max).toBeLessThanOrEqual(2);
    }
    expect(all.max).toBeLessThanOrEqual(4);
    expect(r.service.hub!.stats().deliveries.failed).toBe(0);
  });
});

describe('distribution to many subscribers', () => {
  const SUBSCRIBERS = 1_500;
  it('a newer version reaches every subscriber last, though each pass looks at 1,000 subscriptions per turn of the event loop', async () => {
    const { WebSubHub } = await import('../../src/websub/hub.js');
    const { silentLogger } = await import('../../src/log.js');
    const dirs = await sandbox.makeDirs();
    const sub = await subscriber('127.0.0.1');
    const expiresAt = Date.now() + 3_600_000;
    // More than one pass's chunk of 1,000 (distribution.ts): the second pass starts while the first
    // waits between its chunks. Each subscription costs up to two real deliveries.
    const subscriptions = Array.from({ length: SUBSCRIBERS }, (_, i) => ({
      topic: TOPIC,
      topicPath: '/rss.xml',
      callback: sub.callback(`/n/${i}`),
      leaseSeconds: 3600,
      expiresAt,
    }));
    await mkdir(dirs.data, { recursive: true });
    await writeFile(
      path.join(dirs.data, SUBSCRIPTIONS_FILE),
      JSON.stringify({ version: 1, subscriptions }),
    );
    const hub = new WebSubHub({
      hubUrl: `${BASE_URL}/websub`,
      baseUrl: BASE_URL,
      site: () => undefined,
      allow: ['127.0.0.0/8'],
      dir: dirs.data,
      logger: silentLogger,
      delivery: { concurrency: 16, perHost: 16 },
    });
    cleanups.push(() => hub.stop());
    await hub.start();
    const site = (version: string) => ({
      resources: new Map([
        [
          '/rss.xml',
          {
            isFeed: true,
            contentType: 'application/rss+xml',
            etag: `"${version}"`,
            body: new TextEncoder().encode(version),
          },
        ],
      ]),
    });
    type Site = Parameters<typeof hub.siteChanged>[1];
    hub.siteChanged(
      new Map([['/rss.xml', { etag: '"v0"' }]]) as never,
      site('v1') as unknown as Site,
    );
    hub.siteChanged(
      new Map([['/rss.xml', { etag: '"v1"' }]]) as never,
      site('v2') as unknown as Site,
    );
    await hub.idle();
    const last = new Map<string, string>();
    for (const n of sub.notifications) last.set(n.path, n.body.toString('utf8'));
    expect(last.size).toBe(SUBSCRIBERS);
    expect(new Set(last.values())).toEqual(new Set(['v2']));
  });
});
