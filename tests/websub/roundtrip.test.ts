import { createHmac } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS_FILE } from '../../src/websub/store.js';
import { BASE_URL, get200, rssItems, Sandbox, until, writeSeed } from '../live/harness.js';
import { startService, type Running } from './service.js';
import { hubRequest, Subscriber } from './subscriber.js';

const sandbox = new Sandbox();
const subscribers: Subscriber[] = [];
const running: Running[] = [];
const HUB = `${BASE_URL}/websub`;
const TOPIC = `${BASE_URL}/rss.xml`;

async function subscriber(
  behaviour: ConstructorParameters<typeof Subscriber>[0] = {},
): Promise<Subscriber> {
  const s = await new Subscriber(behaviour).listen();
  subscribers.push(s);
  return s;
}

async function start(...args: Parameters<typeof startService>): Promise<Running> {
  const r = await startService(...args);
  running.push(r);
  return r;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all(subscribers.splice(0).map((s) => s.close()));
  await sandbox.cleanup();
});

async function seeded() {
  const dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'first.md', {
    title: 'First post',
    day: 1,
    categories: ['News'],
    body: 'The first article.',
  });
  return dirs;
}

/** Subscribes and waits until the hub has verified the subscription. */
async function subscribe(r: Running, sub: Subscriber, fields: Record<string, string> = {}) {
  const answer = await hubRequest(r.hubEndpoint, {
    'hub.mode': 'subscribe',
    'hub.topic': TOPIC,
    'hub.callback': sub.callback(),
    ...fields,
  });
  expect(answer.status, answer.text).toBe(202);
  await r.service.hub!.idle();
}

describe('WebSub round trip', () => {
  it('advertises the hub and self in RSS, Atom and JSON Feed', async () => {
    const r = await start(await seeded());
    const rss = load((await get200(r.origin, '/rss.xml')).text, { xml: true });
    expect(rss('channel > atom\\:link[rel="hub"]').attr('href')).toBe(HUB);
    expect(rss('channel > atom\\:link[rel="self"]').attr('href')).toBe(TOPIC);
    const atom = load((await get200(r.origin, '/categories/news/atom.xml')).text, { xml: true });
    expect(atom('feed > link[rel="hub"]').attr('href')).toBe(HUB);
    expect(atom('feed > link[rel="self"]').attr('href')).toBe(
      `${BASE_URL}/categories/news/atom.xml`,
    );
    const json = JSON.parse((await get200(r.origin, '/feed.json')).text) as {
      hubs: unknown;
      feed_url: string;
    };
    expect(json.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
    expect(json.feed_url).toBe(`${BASE_URL}/feed.json`);
  });

  it('verifies a subscriber, then pushes the new feed, signed, when a file is added', async () => {
    const dirs = await seeded();
    const r = await start(dirs);
    const sub = await subscriber();
    const secret = 'a subscriber secret';
    await subscribe(r, sub, { 'hub.secret': secret });

    expect(sub.verifications).toHaveLength(1);
    const [verification] = sub.verifications;
    expect(verification).toMatchObject({
      mode: 'subscribe',
      topic: TOPIC,
      leaseSeconds: String(10 * 24 * 3600),
      path: '/cb',
    });
    expect(verification!.challenge).toMatch(/^[\w-]{20,}$/);
    expect(r.service.hub!.list().map((s) => [s.topic, s.callback])).toEqual([
      [TOPIC, sub.callback()],
    ]);
    expect(sub.notifications).toHaveLength(0);

    await writeSeed(dirs.seeds, 'second.md', {
      title: 'Second post',
      day: 2,
      body: 'A new article arrives.',
    });
    await r.service.live.trigger('test');
    const note = await until('a notification', () => sub.notifications[0]);
    await r.service.hub!.idle();

    const served = await get200(r.origin, '/rss.xml');
    expect(note.body.equals(served.body)).toBe(true);
    expect(rssItems(note.body.toString('utf8')).map((i) => i.title)).toEqual([
      'Second post',
      'First post',
    ]);
    expect(note.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(note.headers.link).toBe(`<${HUB}>; rel="hub", <${TOPIC}>; rel="self"`);
    const expected = createHmac('sha256', secret).update(note.body).digest('hex');
    expect(note.headers['x-hub-signature']).toBe(`sha256=${expected}`);
    // Only the subscribed topic is pushed, once.
    expect(sub.notifications).toHaveLength(1);
    expect(r.service.hub!.stats().deliveries).toEqual({ ok: 1, failed: 0 });
  });

  it('sends no signature without a secret, and nothing when the feed did not change', async () => {
    const dirs = await seeded();
    const r = await start(dirs);
    const sub = await subscriber();
    await subscribe(r, sub, { 'hub.topic': `${BASE_URL}/categories/news/feed.json` });
    // A file in another category changes /rss.xml but not the News feeds.
    await writeSeed(dirs.seeds, 'other.md', {
      title: 'Elsewhere',
      day: 3,
      categories: ['Sport'],
      body: 'Not news.',
    });
    await r.service.live.trigger('test');
    await r.service.hub!.idle();
    expect(sub.notifications).toHaveLength(0);

    await writeSeed(dirs.seeds, 'news.md', {
      title: 'More news',
      day: 4,
      categories: ['News'],
      body: 'News again.',
    });
    await r.service.live.trigger('test');
    const note = await until('a notification', () => sub.notifications[0]);
    expect(note.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    expect(note.headers['x-hub-signature']).toBeUndefined();
    expect(
      (JSON.parse(note.body.toString('utf8')) as { items: Array<{ title: string }> }).items.map(
        (i) => i.title,
      ),
    ).toEqual(['More news', 'First post']);
  });

  it('unsubscribes after verification: no more deliveries to that callback', async () => {
    const dirs = await seeded();
    const r = await start(dirs);
    const leaving = await subscriber();
    const staying = await subscriber();
    await subscribe(r, leaving);
    await subscribe(r, staying);

    const answer = await hubRequest(r.hubEndpoint, {
      'hub.mode': 'unsubscribe',
      'hub.topic': TOPIC,
      'hub.callback': leaving.callback(),
    });
    expect(answer.status).toBe(202);
    await r.service.hub!.idle();
    expect(leaving.verifications.map((v) => v.mode)).toEqual(['subscribe', 'unsubscribe']);
    expect(r.service.hub!.list().map((s) => s.callback)).toEqual([staying.callback()]);

    await writeSeed(dirs.seeds, 'second.md', {
      title: 'Second post',
      day: 2,
      body: 'After the unsubscription.',
    });
    await r.service.live.trigger('test');
    await until('the remaining subscriber is notified', () => staying.notifications[0]);
    await r.service.hub!.idle();
    expect(leaving.notifications).toHaveLength(0);
  });

  it('does not activate a subscription whose callback does not echo the challenge', async () => {
    const dirs = await seeded();
    const r = await start(dirs);
    const sub = await subscriber({ confirm: false });
    await subscribe(r, sub);
    expect(sub.verifications).toHaveLength(1);
    expect(r.service.hub!.list()).toEqual([]);
    expect(r.service.hub!.stats().verifications).toEqual({ ok: 0, failed: 1 });
    await writeSeed(dirs.seeds, 'second.md', {
      title: 'Second post',
      day: 2,
      body: 'Nobody hears this.',
    });
    await r.service.live.trigger('test');
    await r.service.hub!.idle();
    expect(sub.notifications).toHaveLength(0);
  });

  it('keeps subscriptions across a restart (file readable by its owner only) and delivers after it', async () => {
    const dirs = await seeded();
    const first = await start(dirs);
    const sub = await subscriber();
    await subscribe(first, sub, { 'hub.secret': 's3cret', 'hub.lease_seconds': '3600' });
    await first.stop();

    const file = path.join(dirs.data, SUBSCRIPTIONS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      subscriptions: Array<{ callback: string; leaseSeconds: number }>;
    };
    expect(saved.subscriptions.map((s) => [s.callback, s.leaseSeconds])).toEqual([
      [sub.callback(), 3600],
    ]);

    // Changed while seedfeed was down: the first scan after the restart pushes it.
    await writeSeed(dirs.seeds, 'second.md', {
      title: 'Second post',
      day: 2,
      body: 'Written during the restart.',
    });
    const second = await start(dirs);
    expect(second.service.hub!.list().map((s) => s.callback)).toEqual([sub.callback()]);
    const note = await until('a notification after the restart', () => sub.notifications[0]);
    expect(note.headers['x-hub-signature']).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(note.body).digest('hex')}`,
    );
    expect(rssItems(note.body.toString('utf8'))[0]!.title).toBe('Second post');
    expect(sub.verifications).toHaveLength(1);
  });

  it('pushes nothing after a restart with unchanged seeds', async () => {
    const dirs = await seeded();
    const first = await start(dirs);
    const sub = await subscriber();
    await subscribe(first, sub);
    await first.stop();
    const second = await start(dirs);
    await second.service.hub!.idle();
    expect(second.service.hub!.list()).toHaveLength(1);
    expect(sub.notifications).toHaveLength(0);
  });
});
