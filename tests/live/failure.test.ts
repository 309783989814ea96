/**
 * A scan that fails as a whole (the seeds directory gone) keeps the last good site served, byte
 * for byte, and says so in /healthz; the next good scan recovers. Before the first scan there is
 * nothing to serve: /healthz is 503 "starting" and every page 503 with Retry-After.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  NEVER,
  Sandbox,
  get,
  get200,
  health,
  recordingLogger,
  rssItems,
  sleep,
  until,
  writeSeed,
} from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const A = {
  title: '城市更新计划',
  day: 1,
  categories: ['城市'],
  body: '老旧小区改造进入第二阶段。',
};
const B = {
  title: '地铁新线开通',
  day: 2,
  categories: ['交通'],
  body: '新线路连接了两个主要的商业区。',
};

describe('before the first scan', () => {
  it('/healthz is 503 with status "starting"; pages are 503 with Retry-After', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(dirs);

    const starting = await health(origin);
    expect(starting.status).toBe(503);
    expect(starting.body).toMatchObject({
      status: 'starting',
      lastScan: null,
      lastGoodScan: null,
      articles: 0,
      scanning: false,
    });
    const page = await get(origin, '/rss.xml');
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('2');
    expect(page.headers.get('cache-control')).toBe('no-store');

    await live.trigger('start');
    const ok = await health(origin);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'ok',
      lastScan: { ok: true },
      articles: 1,
      categories: 1,
      files: 1,
    });
    expect((await get(origin, '/rss.xml')).status).toBe(200);
  });

  it('a first scan that fails leaves it "starting" (503) with the error; the next good scan serves', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const hidden = path.join(dirs.root, 'seeds-hidden');
    await rename(dirs.seeds, hidden);
    const { live, origin } = await sandbox.start(dirs);

    await live.trigger('start');
    const failed = await health(origin);
    expect(failed.status).toBe(503);
    expect(failed.body.status).toBe('starting');
    expect(failed.body.lastScan).toMatchObject({ ok: false });
    expect(failed.body.lastScan!.error).toMatch(/ENOENT/);
    expect((await get(origin, '/rss.xml')).status).toBe(503);

    await rename(hidden, dirs.seeds);
    await live.trigger('test');
    expect((await health(origin)).status).toBe(200);
    expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toEqual([
      A.title,
    ]);
  });
});

describe('a scan that fails as a whole', () => {
  it('keeps the last good feeds (same bytes and ETag), reports "degraded" in /healthz, and recovers', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    await writeSeed(dirs.seeds, 'b.md', B);
    const { logger, events } = recordingLogger();
    const { live, origin } = await sandbox.start(dirs, {}, { logger });
    await live.trigger('start');
    const good = await get200(origin, '/rss.xml');
    const goodCategory = await get200(origin, '/categories/交通/rss.xml');
    const goodHealth = await health(origin);
    const exported = await readFile(path.join(dirs.out, 'rss.xml'));

    // The seeds directory disappears (root ignores permissions, so it is moved away, not chmod-ed).
    const away = path.join(dirs.root, 'seeds-away');
    await rename(dirs.seeds, away);
    await live.trigger('test');

    const during = await get200(origin, '/rss.xml');
    expect(during.etag).toBe(good.etag);
    expect(during.lastModified).toBe(good.lastModified);
    expect(during.body.equals(good.body)).toBe(true);
    expect((await get200(origin, '/categories/交通/rss.xml')).etag).toBe(goodCategory.etag);
    expect((await get(origin, '/rss.xml', { 'if-none-match': good.etag! })).status).toBe(304);

    const degraded = await health(origin);
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.lastScan!.ok).toBe(false);
    expect(degraded.body.lastScan!.error).toMatch(/ENOENT/);
    // /healthz names no path (http/scan-error.ts); the log has the full message.
    expect(degraded.body.lastScan!.error).not.toContain(dirs.seeds);
    expect(degraded.body.lastGoodScan).toBe(goodHealth.body.lastGoodScan);
    expect(degraded.body).toMatchObject({ articles: 2, categories: 2, files: 2 });
    expect(events.find((e) => e.event === 'scan_failed')?.fields).toMatchObject({
      reason: 'test',
      serving: 'last good result',
    });
    expect(String(events.find((e) => e.event === 'scan_failed')?.fields.error)).toContain(
      dirs.seeds,
    );
    // The export was not touched either.
    expect((await readFile(path.join(dirs.out, 'rss.xml'))).equals(exported)).toBe(true);
    expect(existsSync(path.join(dirs.out, 'categories', '交通', 'rss.xml'))).toBe(true);

    // Back, with a change made while it was away: the next scan is good and serves it.
    await writeSeed(away, 'b.md', { ...B, title: '地铁新线正式开通' });
    await rename(away, dirs.seeds);
    await live.trigger('test');
    const recovered = await health(origin);
    expect(recovered.status).toBe(200);
    expect(recovered.body.status).toBe('ok');
    expect(recovered.body.lastScan).toMatchObject({ ok: true });
    expect(recovered.body.lastScan!.error).toBeUndefined();
    expect(Date.parse(recovered.body.lastGoodScan!)).toBeGreaterThanOrEqual(
      Date.parse(goodHealth.body.lastGoodScan!),
    );
    const after = await get200(origin, '/rss.xml');
    expect(after.etag).not.toBe(good.etag);
    expect(rssItems(after.text).map((i) => i.title)).toEqual(['地铁新线正式开通', A.title]);
    expect((await readFile(path.join(dirs.out, 'rss.xml'))).equals(after.body)).toBe(true);
  });

  it('the seeds path replaced by a file: same — last good site kept, degraded, then recovered', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(dirs);
    await live.trigger('start');
    const good = await get200(origin, '/rss.xml');

    const away = path.join(dirs.root, 'seeds-away');
    await rename(dirs.seeds, away);
    await writeFile(dirs.seeds, 'not a directory');
    await live.trigger('test');
    expect((await get200(origin, '/rss.xml')).etag).toBe(good.etag);
    const degraded = await health(origin);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.lastScan!.error).toMatch(/not a directory/);

    await rm(dirs.seeds);
    await rename(away, dirs.seeds);
    await live.trigger('test');
    expect((await health(origin)).body.status).toBe('ok');
    expect((await get200(origin, '/rss.xml')).etag).toBe(good.etag);
  });

  it('with the watcher on: removing the seeds directory keeps the site served; bringing it back and triggering recovers', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      { debounceMs: 50 },
    );
    await live.trigger('start');
    await live.start();
    const good = await get200(origin, '/rss.xml');

    const away = path.join(dirs.root, 'seeds-away');
    await rename(dirs.seeds, away);
    await live.trigger('test');
    expect((await health(origin)).body.status).toBe('degraded');
    expect((await get200(origin, '/rss.xml')).etag).toBe(good.etag);

    await rename(away, dirs.seeds);
    await live.trigger('test');
    await until('status ok again', async () =>
      (await health(origin)).body.status === 'ok' ? true : undefined,
    );
    expect((await get200(origin, '/rss.xml')).etag).toBe(good.etag);
  });

  it.each([
    ['noticed gone first', true],
    ['replaced at once (the new directory may even reuse the inode)', false],
  ])(
    'with the watcher on: a seeds directory removed and made again (%s) is watched again after the next scan',
    async (_, noticeGone) => {
      const dirs = await sandbox.makeDirs();
      await writeSeed(dirs.seeds, 'a.md', A);
      const { live, origin } = await sandbox.start(
        dirs,
        { watch: true, cron: NEVER },
        { debounceMs: 50 },
      );
      await live.trigger('start');
      await live.start();

      await rm(dirs.seeds, { recursive: true });
      if (noticeGone) {
        await until('the watcher to notice the removal', async () =>
          (await health(origin)).body.status === 'degraded' ? true : undefined,
        );
        expect((await get200(origin, '/rss.xml')).text).toContain(A.title);
      }
      await mkdir(dirs.seeds);
      await writeSeed(dirs.seeds, 'b.md', B);
      // The next scan (here a trigger; in `seedfeed serve` the schedule) finds the new directory...
      await live.trigger('test');
      expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toEqual([
        B.title,
      ]);
      // Let a rescan still pending from the removal's events (debounce 50 ms) run first: only the
      // watcher can serve what is written next.
      await sleep(300);
      await live.trigger('settle');
      // ...and from then on the watcher follows it again.
      await writeSeed(dirs.seeds, 'c.md', {
        title: '新目录里的新文章',
        day: 3,
        categories: ['城市'],
        body: '目录重建以后写入。',
      });
      const items = await until(
        'the watcher to serve a file written into the new directory',
        async () => {
          const got = rssItems((await get200(origin, '/rss.xml')).text);
          return got.some((i) => i.title === '新目录里的新文章') ? got : undefined;
        },
      );
      expect(items.map((i) => i.title)).toEqual(['新目录里的新文章', B.title]);
      expect((await health(origin)).body.status).toBe('ok');
    },
  );
});
