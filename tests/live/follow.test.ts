/**
 * The served site follows the seeds directory: a file added, edited, moved or deleted shows in
 * `/rss.xml` and the category feeds after a rescan — one asked for with `trigger()`, or one the
 * file watcher starts by itself. An edited or moved file keeps its article's guid and page URL;
 * a category left empty disappears with its page and feeds. The export directory follows too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LiveSite } from '../../src/live/service.js';
import {
  NEVER,
  Sandbox,
  articlePath,
  feedItems,
  get,
  get200,
  itemTitled,
  rssItems,
  until,
  writeSeed,
  type Dirs,
  type RssItem,
} from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const TECH = '/categories/科技/rss.xml';
const FINANCE = '/categories/财经/rss.xml';

const A = {
  title: '量子计算的新进展',
  day: 1,
  categories: ['科技'],
  body: '研究团队公布了新的量子纠错结果。',
};
const A_EDITED = {
  title: '量子计算的新进展（更新）',
  day: 1,
  categories: ['科技'],
  body: '研究团队公布了新的量子纠错结果，并补充了实验数据。',
};
const B = {
  title: '央行发布季度报告',
  day: 2,
  categories: ['财经'],
  body: '报告显示货币政策保持稳健。',
};
const C = { title: '芯片产业观察', day: 3, categories: ['科技'], body: '国产芯片的产能继续扩大。' };
const MARKER = {
  title: '标记文章',
  day: 4,
  categories: ['科技'],
  body: '这一篇只用来确认重命名之后的扫描已经完成。',
};

const titles = (items: readonly RssItem[]) => items.map((i) => i.title);

/**
 * Waits for a state of the served site. `settle` is either "trigger a rescan, then look once"
 * or "poll until the watcher's rescan shows it".
 */
type Settle = <T>(what: string, probe: () => Promise<T | undefined>) => Promise<T>;

const byTrigger =
  (live: LiveSite): Settle =>
  async (what, probe) => {
    await live.trigger('test');
    const value = await probe();
    if (value === undefined) expect.fail(`after a triggered rescan: ${what} is not served`);
    return value;
  };

const byWatcher: Settle = (what, probe) => until(what, probe);

/** add → edit → move → delete, checking the served feeds, pages and the export after each step. */
async function followScenario(
  dirs: Dirs,
  origin: string,
  live: LiveSite,
  settle: Settle,
): Promise<void> {
  // The starting point: A (科技) and B (财经).
  const start = await feedItems(origin);
  expect(titles(start)).toEqual([B.title, A.title]);
  const a0 = itemTitled(start, A.title);
  const b0 = itemTitled(start, B.title);
  expect(a0.guid).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
  expect(titles(await feedItems(origin, TECH))).toEqual([A.title]);
  expect(titles(await feedItems(origin, FINANCE))).toEqual([B.title]);

  // 1. Add C (科技): it appears first in /rss.xml and in the 科技 feed, not in 财经.
  await writeSeed(dirs.seeds, 'c.md', C);
  const added = await settle('the new file in /rss.xml', async () => {
    const items = await feedItems(origin);
    return items.some((i) => i.title === C.title) ? items : undefined;
  });
  expect(titles(added)).toEqual([C.title, B.title, A.title]);
  const c0 = itemTitled(added, C.title);
  expect(c0.categories).toEqual(['科技']);
  const tech1 = await feedItems(origin, TECH);
  expect(titles(tech1)).toEqual([C.title, A.title]);
  expect(itemTitled(tech1, C.title).guid).toBe(c0.guid);
  expect(titles(await feedItems(origin, FINANCE))).toEqual([B.title]);
  expect((await get200(origin, articlePath(c0))).text).toContain(C.body);

  // 2. Edit A — title and body, so its content hash changes: same guid, same page URL, new title.
  await writeSeed(dirs.seeds, 'a.md', A_EDITED);
  const edited = await settle('the edited title in /rss.xml', async () => {
    const items = await feedItems(origin);
    return items.some((i) => i.title === A_EDITED.title) ? items : undefined;
  });
  expect(titles(edited)).toEqual([C.title, B.title, A_EDITED.title]);
  const a1 = itemTitled(edited, A_EDITED.title);
  expect(a1.guid).toBe(a0.guid);
  expect(a1.link).toBe(a0.link);
  const tech2 = await feedItems(origin, TECH);
  expect(titles(tech2)).toEqual([C.title, A_EDITED.title]);
  expect(itemTitled(tech2, A_EDITED.title).guid).toBe(a0.guid);
  const page = await get200(origin, articlePath(a0));
  expect(page.text).toContain(A_EDITED.title);
  expect(page.text).toContain('并补充了实验数据');

  // 3. Move C into a new nested directory under a new name, then add a marker file: once the
  //    marker is served, the scan that served it saw the move too.
  await mkdir(path.join(dirs.seeds, '2024', 'moved'), { recursive: true });
  await rename(
    path.join(dirs.seeds, 'c.md'),
    path.join(dirs.seeds, '2024', 'moved', 'c-renamed.md'),
  );
  await writeSeed(dirs.seeds, 'marker.md', MARKER);
  const moved = await settle('the marker after the move', async () => {
    const items = await feedItems(origin);
    return items.some((i) => i.title === MARKER.title) ? items : undefined;
  });
  expect(titles(moved)).toEqual([MARKER.title, C.title, B.title, A_EDITED.title]);
  const c1 = itemTitled(moved, C.title);
  expect(c1.guid).toBe(c0.guid);
  expect(c1.link).toBe(c0.link);
  expect(live.current()!.catalog.articles.find((a) => a.guid === c0.guid)!.sources).toEqual([
    '2024/moved/c-renamed.md',
  ]);
  expect((await get200(origin, articlePath(c0))).text).toContain(C.body);

  // 4. Delete B, the only article in 财经: the item goes, and 财经's page and feeds are 404.
  await rm(path.join(dirs.seeds, 'b.md'));
  const deleted = await settle('/rss.xml without the deleted file', async () => {
    const items = await feedItems(origin);
    return items.length > 0 && !items.some((i) => i.title === B.title) ? items : undefined;
  });
  expect(titles(deleted)).toEqual([MARKER.title, C.title, A_EDITED.title]);
  for (const gone of [
    FINANCE,
    '/categories/财经/atom.xml',
    '/categories/财经/feed.json',
    '/categories/财经/',
    articlePath(b0),
  ]) {
    expect((await get(origin, gone)).status, gone).toBe(404);
  }
  expect((await get200(origin, '/opml.xml')).text).not.toContain('财经');
  expect(titles(await feedItems(origin, TECH))).toEqual([MARKER.title, C.title, A_EDITED.title]);
}

async function initialSeeds(dirs: Dirs): Promise<void> {
  await writeSeed(dirs.seeds, 'a.md', A);
  await writeSeed(dirs.seeds, 'b.md', B);
}

describe('after live.trigger()', () => {
  it('serves an added, an edited, a moved and a deleted file; guids and article URLs stay', async () => {
    const dirs = await sandbox.makeDirs();
    await initialSeeds(dirs);
    const { live, origin } = await sandbox.start(dirs);
    await live.trigger('start');
    await followScenario(dirs, origin, live, byTrigger(live));
    expect(live.scans).toBe(5);
  });

  it('an edit that keeps the body (title only) keeps the guid too', async () => {
    const dirs = await sandbox.makeDirs();
    await initialSeeds(dirs);
    const { live, origin } = await sandbox.start(dirs);
    await live.trigger('start');
    const before = itemTitled(await feedItems(origin), A.title);
    await writeSeed(dirs.seeds, 'a.md', { ...A, title: '量子计算：新标题' });
    await live.trigger('test');
    const after = itemTitled(await feedItems(origin), '量子计算：新标题');
    expect(after.guid).toBe(before.guid);
    expect(after.link).toBe(before.link);
    expect((await feedItems(origin)).some((i) => i.title === A.title)).toBe(false);
  });
});

describe('with the file watcher on (debounce 50 ms)', () => {
  it('serves an added, an edited, a moved and a deleted file by itself; guids and article URLs stay', async () => {
    const dirs = await sandbox.makeDirs();
    await initialSeeds(dirs);
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      { debounceMs: 50 },
    );
    await live.trigger('start');
    await live.start();
    const scansBefore = live.scans;
    await followScenario(dirs, origin, live, byWatcher);
    // Every step was picked up without a trigger from the test.
    expect(live.scans).toBeGreaterThanOrEqual(scansBefore + 4);
  });

  it('does nothing when the watcher is off: only a trigger (or the schedule) brings a change', async () => {
    const dirs = await sandbox.makeDirs();
    await initialSeeds(dirs);
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: false, cron: NEVER },
      { debounceMs: 50 },
    );
    await live.trigger('start');
    await live.start();
    await writeSeed(dirs.seeds, 'c.md', C);
    // Longer than debounce + a scan: with a watcher, C would be served by now.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(titles(await feedItems(origin))).toEqual([B.title, A.title]);
    expect(live.scans).toBe(1);
    await live.trigger('test');
    expect(titles(await feedItems(origin))).toEqual([C.title, B.title, A.title]);
  });
});

describe('on a schedule', () => {
  it('a cron expression with seconds rescans without a trigger or a watcher', async () => {
    const dirs = await sandbox.makeDirs();
    await initialSeeds(dirs);
    const { live, origin } = await sandbox.start(dirs, { watch: false, cron: '* * * * * *' });
    await live.trigger('start');
    await live.start();
    await writeSeed(dirs.seeds, 'c.md', C);
    const items = await until('the scheduled rescan to serve C', async () => {
      const got = await feedItems(origin);
      return got.some((i) => i.title === C.title) ? got : undefined;
    });
    expect(titles(items)).toEqual([C.title, B.title, A.title]);
    expect(live.scans).toBeGreaterThanOrEqual(2);
  });
});

describe('the export directory', () => {
  it('follows every rescan: <out>/rss.xml is the served bytes, a gone category directory is removed', async () => {
    const dirs = await sandbox.makeDirs();
    await initialSeeds(dirs);
    const { live, origin } = await sandbox.start(dirs);
    await live.trigger('start');
    const exported = (file: string) => readFile(path.join(dirs.out, file));

    const served0 = await get200(origin, '/rss.xml');
    expect((await exported('rss.xml')).equals(served0.body)).toBe(true);
    expect(existsSync(path.join(dirs.out, 'categories', '财经', 'rss.xml'))).toBe(true);
    const b = itemTitled(rssItems(served0.text), B.title);
    const bDir = path.join(dirs.out, articlePath(b).slice(1));
    expect(existsSync(path.join(bDir, 'index.html'))).toBe(true);

    // A change: the export is rewritten to the new served bytes, feeds and category pages alike.
    await writeSeed(dirs.seeds, 'c.md', C);
    await live.trigger('test');
    const served1 = await get200(origin, '/rss.xml');
    expect(served1.etag).not.toBe(served0.etag);
    expect((await exported('rss.xml')).equals(served1.body)).toBe(true);
    for (const file of ['atom.xml', 'feed.json', 'opml.xml']) {
      expect((await exported(file)).equals((await get200(origin, `/${file}`)).body), file).toBe(
        true,
      );
    }
    expect(
      (await exported('categories/科技/rss.xml')).equals((await get200(origin, TECH)).body),
    ).toBe(true);
    expect(
      (await exported('categories/科技/index.html')).equals(
        (await get200(origin, '/categories/科技/')).body,
      ),
    ).toBe(true);

    // The only 财经 article deleted: its category directory and article directory are gone.
    await rm(path.join(dirs.seeds, 'b.md'));
    await live.trigger('test');
    const served2 = await get200(origin, '/rss.xml');
    expect((await exported('rss.xml')).equals(served2.body)).toBe(true);
    expect(existsSync(path.join(dirs.out, 'categories', '财经'))).toBe(false);
    expect(existsSync(bDir)).toBe(false);
    expect(existsSync(path.join(dirs.out, 'categories', '科技', 'rss.xml'))).toBe(true);
  });

  it('follows the watcher too', async () => {
    const dirs = await sandbox.makeDirs();
    await initialSeeds(dirs);
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      { debounceMs: 50 },
    );
    await live.trigger('start');
    await live.start();
    await rm(path.join(dirs.seeds, 'b.md'));
    // The served site is swapped before its export is written; the export follows it.
    await until('财经 to be gone from the served site', async () =>
      (await get(origin, FINANCE)).status === 404 ? true : undefined,
    );
    const served = await get200(origin, '/rss.xml');
    expect(titles(rssItems(served.text))).toEqual([A.title]);
    await until('the export to follow', async () =>
      (await readFile(path.join(dirs.out, 'rss.xml'))).equals(served.body) ? true : undefined,
    );
    await until('财经 to be gone from the export', () =>
      existsSync(path.join(dirs.out, 'categories', '财经')) ? undefined : true,
    );
  });
});
