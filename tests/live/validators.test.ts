/**
 * Validators across rescans: a feed whose inputs did not change keeps its exact bytes, ETag and
 * Last-Modified (so a reader's conditional GET still gets 304); a changed feed gets a new ETag
 * and the Last-Modified of the change (the edited file's modification time). The service's clock
 * is injected and moves too: a Last-Modified that followed the clock would show.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { Sandbox, get, get200, rssItems, writeSeed, type Dirs, type Got } from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const T0 = new Date('2030-01-01T00:00:00Z');
const T1 = new Date('2030-01-01T01:00:00Z');

const TECH = [
  '/categories/科技/rss.xml',
  '/categories/科技/atom.xml',
  '/categories/科技/feed.json',
  '/categories/科技/',
];
const FINANCE = [
  '/categories/财经/rss.xml',
  '/categories/财经/atom.xml',
  '/categories/财经/feed.json',
  '/categories/财经/',
];
const SITE = ['/rss.xml', '/atom.xml', '/feed.json', '/'];

async function seeds(dirs: Dirs): Promise<void> {
  await writeSeed(
    dirs.seeds,
    'tech-1.md',
    {
      title: '人工智能芯片发布',
      day: 1,
      categories: ['科技'],
      body: '新一代芯片的算力提升了一倍。',
    },
    T0,
  );
  await writeSeed(
    dirs.seeds,
    'tech-2.md',
    {
      title: '卫星互联网试验',
      day: 3,
      categories: ['科技'],
      body: '低轨卫星完成了第一次组网试验。',
    },
    T0,
  );
  await writeSeed(
    dirs.seeds,
    'fin-1.md',
    {
      title: '股市周评',
      day: 2,
      categories: ['财经'],
      body: '本周主要指数小幅上涨。',
    },
    T0,
  );
  await writeSeed(
    dirs.seeds,
    'fin-2.md',
    {
      title: '债券市场观察',
      day: 4,
      categories: ['财经'],
      body: '国债收益率保持平稳。',
    },
    T0,
  );
}

async function snapshot(origin: string, paths: readonly string[]): Promise<Map<string, Got>> {
  const out = new Map<string, Got>();
  for (const p of paths) out.set(p, await get200(origin, p));
  return out;
}

async function startAt(clock: { now: Date }) {
  const dirs = await sandbox.makeDirs();
  await seeds(dirs);
  const served = await sandbox.start(dirs, {}, { clock: () => clock.now });
  await served.live.trigger('start');
  return { dirs, ...served };
}

describe('ETag and Last-Modified across rescans', () => {
  it('a change in 科技 leaves every 财经 output byte-identical with the same ETag and Last-Modified; 科技 gets new ones', async () => {
    const clock = { now: T0 };
    const { dirs, live, origin } = await startAt(clock);
    const before = await snapshot(origin, [...TECH, ...FINANCE, ...SITE]);
    for (const got of before.values()) expect(got.lastModified).toBe(T0.toUTCString());

    clock.now = T1;
    await writeSeed(
      dirs.seeds,
      'tech-1.md',
      {
        title: '人工智能芯片发布（更正）',
        day: 1,
        categories: ['科技'],
        body: '新一代芯片的算力提升了一倍，功耗下降。',
      },
      T1,
    );
    await live.trigger('test');
    const after = await snapshot(origin, [...TECH, ...FINANCE, ...SITE]);

    for (const p of FINANCE) {
      const [old, now] = [before.get(p)!, after.get(p)!];
      expect(now.etag, p).toBe(old.etag);
      expect(now.lastModified, p).toBe(T0.toUTCString());
      expect(now.body.equals(old.body), p).toBe(true);
    }
    for (const p of [...TECH, ...SITE]) {
      const [old, now] = [before.get(p)!, after.get(p)!];
      expect(now.etag, p).not.toBe(old.etag);
      expect(now.lastModified, p).toBe(T1.toUTCString());
      expect(now.body.equals(old.body), p).toBe(false);
    }
    expect(rssItems(after.get('/categories/科技/rss.xml')!.text).map((i) => i.title)).toEqual([
      '卫星互联网试验',
      '人工智能芯片发布（更正）',
    ]);
  });

  it('the old ETag of the untouched feed still gets 304; the old ETag of the changed feed gets 200 and the new bytes', async () => {
    const clock = { now: T0 };
    const { dirs, live, origin } = await startAt(clock);
    const finance = await get200(origin, '/categories/财经/rss.xml');
    const tech = await get200(origin, '/categories/科技/rss.xml');

    clock.now = T1;
    await writeSeed(
      dirs.seeds,
      'tech-3.md',
      {
        title: '新能源汽车销量',
        day: 5,
        categories: ['科技'],
        body: '电动汽车的月销量创下新高。',
      },
      T1,
    );
    await live.trigger('test');

    const notModified = await get(origin, '/categories/财经/rss.xml', {
      'if-none-match': finance.etag!,
    });
    expect(notModified.status).toBe(304);
    expect(notModified.etag).toBe(finance.etag);
    expect(notModified.body.length).toBe(0);
    const bySince = await get(origin, '/categories/财经/rss.xml', {
      'if-modified-since': finance.lastModified!,
    });
    expect(bySince.status).toBe(304);

    const changed = await get(origin, '/categories/科技/rss.xml', { 'if-none-match': tech.etag! });
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(tech.etag);
    expect(rssItems(changed.text)[0]!.title).toBe('新能源汽车销量');
    expect(
      (await get(origin, '/categories/科技/rss.xml', { 'if-modified-since': tech.lastModified! }))
        .status,
    ).toBe(200);
  });

  it('the compressed variants keep their ETags too, and an old br ETag gets 304', async () => {
    const clock = { now: T0 };
    const { dirs, live, origin } = await startAt(clock);
    const br = await get(origin, '/categories/财经/atom.xml', { 'accept-encoding': 'br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.etag).toMatch(/-br"$/);

    clock.now = T1;
    await writeSeed(
      dirs.seeds,
      'tech-2.md',
      {
        title: '卫星互联网试验成功',
        day: 3,
        categories: ['科技'],
        body: '低轨卫星完成了第一次组网试验，信号稳定。',
      },
      T1,
    );
    await live.trigger('test');

    const again = await get(origin, '/categories/财经/atom.xml', { 'accept-encoding': 'br' });
    expect(again.etag).toBe(br.etag);
    expect(again.body.equals(br.body)).toBe(true);
    const conditional = await get(origin, '/categories/财经/atom.xml', {
      'accept-encoding': 'br',
      'if-none-match': br.etag!,
    });
    expect(conditional.status).toBe(304);
  });

  it('a rescan that changes nothing visible (a touched file) keeps every ETag and Last-Modified, /rss.xml included', async () => {
    const clock = { now: T0 };
    const { dirs, live, origin } = await startAt(clock);
    const paths = [...live.current()!.resources.keys()];
    expect(paths.length).toBe(15); // 12 feeds and pages, OPML, stylesheet, icon
    const before = await snapshot(origin, paths);

    clock.now = T1;
    const later = new Date('2031-06-01T00:00:00Z');
    await utimes(path.join(dirs.seeds, 'fin-1.md'), later, later);
    await live.trigger('test');
    expect(live.health().body.lastScan).toMatchObject({ ok: true });

    const after = await snapshot(origin, paths);
    for (const p of paths) {
      expect(after.get(p)!.etag, p).toBe(before.get(p)!.etag);
      expect(after.get(p)!.lastModified, p).toBe(before.get(p)!.lastModified);
      expect(after.get(p)!.body.equals(before.get(p)!.body), p).toBe(true);
    }
    for (const p of SITE) expect(after.get(p)!.lastModified, p).toBe(T0.toUTCString());
  });
});
