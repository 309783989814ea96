/**
 * The file watcher (src/live/watcher.ts) over a changing tree: directories that appear are
 * watched before the rescan they cause, directories renamed or made again are followed, the
 * seeds directory swapped for another is followed, and it costs one watch per directory — not
 * one per file, as Node 20's recursive fs.watch did (the cause of multi-second event-loop stalls
 * under churn: `npx tsx tools/bench/watch-churn.ts`).
 *
 * Each "written later" step proves a directory is watched: the rescan caused by making the
 * directory has finished before the file is written, so only the watcher can bring it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  NEVER,
  Sandbox,
  feedItems,
  recordingLogger,
  seedText,
  sleep,
  until,
  writeSeed,
  type SeedSpec,
} from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const A = { title: '根目录里的文章', day: 1, categories: ['目录'], body: '一开始就在。' };

const served = (origin: string, title: string) => async () =>
  (await feedItems(origin)).some((i) => i.title === title) ? true : undefined;

/** Writes a seed and waits for the watcher (no trigger) to bring it to /rss.xml. */
async function writeAndSee(
  origin: string,
  seeds: string,
  file: string,
  spec: SeedSpec,
): Promise<void> {
  await writeSeed(seeds, file, spec);
  await until(`${file} to be served by the watcher alone`, served(origin, spec.title));
}

/** Waits until no scan has run or started for `quietMs`: whatever the watcher brings next comes from a new event. */
async function quiet(
  live: { scans: number; health(): { body: Record<string, unknown> } },
  quietMs = 400,
): Promise<void> {
  let last = -1;
  let since = Date.now();
  await until(`${quietMs} ms without a scan`, () => {
    if (live.scans !== last || live.health().body.scanning) {
      last = live.scans;
      since = Date.now();
      return undefined;
    }
    return Date.now() - since >= quietMs ? true : undefined;
  });
}

async function watching(flags: { cron?: string } = {}) {
  const dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'a.md', A);
  const { logger, events } = recordingLogger();
  const served = await sandbox.start(
    dirs,
    { watch: true, cron: flags.cron ?? NEVER },
    { debounceMs: 50, logger },
  );
  await served.live.trigger('start');
  await served.live.start();
  return { dirs, events, ...served };
}

describe('the watcher and new directories', () => {
  it('a file in a new subdirectory (made with its parents) is served, and so is one written there later', async () => {
    const { dirs, live, origin } = await watching();
    await mkdir(path.join(dirs.seeds, '2025', '03', 'notes'), { recursive: true });
    await writeAndSee(origin, dirs.seeds, '2025/03/notes/first.md', {
      title: '新子目录里的第一篇',
      day: 2,
      body: '目录和文件几乎同时出现。',
    });
    await quiet(live);
    await writeAndSee(origin, dirs.seeds, '2025/03/notes/second.md', {
      title: '新子目录里的第二篇',
      day: 3,
      body: '目录已经在被监视。',
    });
    await writeAndSee(origin, dirs.seeds, '2025/03/third.md', {
      title: '中间一层的文章',
      day: 4,
      body: '父目录也在被监视。',
    });
  });

  it('a subdirectory renamed, and one removed and made again: files written into them later are served', async () => {
    const { dirs, live, origin } = await watching();
    await writeSeed(dirs.seeds, 'old/x.md', {
      title: '旧目录里的文章',
      day: 2,
      body: '在改名之前。',
    });
    await writeSeed(dirs.seeds, 'gone/y.md', {
      title: '将被删除的目录',
      day: 3,
      body: '目录会被删除再重建。',
    });
    await until('the first files', served(origin, '将被删除的目录'));

    await rename(path.join(dirs.seeds, 'old'), path.join(dirs.seeds, 'new'));
    await rm(path.join(dirs.seeds, 'gone'), { recursive: true });
    await mkdir(path.join(dirs.seeds, 'gone'));
    await until('the removed file to go', async () =>
      !(await feedItems(origin)).some((i) => i.title === '将被删除的目录') ? true : undefined,
    );
    await quiet(live);

    await writeAndSee(origin, dirs.seeds, 'new/z.md', {
      title: '改名之后写入',
      day: 4,
      body: '改名后的目录。',
    });
    await writeAndSee(origin, dirs.seeds, 'gone/w.md', {
      title: '重建之后写入',
      day: 5,
      body: '重建后的目录。',
    });
  });

  it('a directory moved into another watched directory (with a subdirectory of its own): files written into both later are served', async () => {
    const { dirs, live, origin } = await watching();
    await writeSeed(dirs.seeds, 'from/inner/deep/x.md', {
      title: '移动之前',
      day: 2,
      body: '在 from 里。',
    });
    await writeSeed(dirs.seeds, 'to/y.md', { title: '目标目录', day: 3, body: '在 to 里。' });
    await until('the first files', served(origin, '移动之前'));
    await quiet(live);
    // Both parents report the move; whichever is listed first, the directory ends up watched where it now is.
    await rename(path.join(dirs.seeds, 'from', 'inner'), path.join(dirs.seeds, 'to', 'inner'));
    await until('the moved file under its new path', async () =>
      live.current()?.catalog.articles.some((a) => a.sources.includes('to/inner/deep/x.md'))
        ? true
        : undefined,
    );
    await quiet(live);
    await writeAndSee(origin, dirs.seeds, 'to/inner/z.md', {
      title: '移动之后写入',
      day: 4,
      body: '移动后的目录。',
    });
    await writeAndSee(origin, dirs.seeds, 'to/inner/deep/w.md', {
      title: '移动之后写入更深处',
      day: 5,
      body: '移动后的子目录。',
    });
  });

  it('the seeds directory swapped for another by renames is followed: its files, and files written into it later', async () => {
    const { dirs, live, origin } = await watching();
    const next = path.join(dirs.root, 'seeds-next');
    await mkdir(path.join(next, 'sub'), { recursive: true });
    await writeFile(
      path.join(next, 'sub', 'b.md'),
      seedText({ title: '换上的目录里的文章', day: 2, body: '整个目录被换掉了。' }),
    );
    // The way a deploy swaps a directory: the old one renamed away, the new one renamed in, the old one removed.
    await rename(dirs.seeds, path.join(dirs.root, 'seeds-old'));
    await rename(next, dirs.seeds);
    await rm(path.join(dirs.root, 'seeds-old'), { recursive: true });
    // The next scan follows it (here a trigger; in `seedfeed serve` the watcher's own event or the schedule).
    await live.trigger('test');
    expect((await feedItems(origin)).map((i) => i.title)).toEqual(['换上的目录里的文章']);
    await quiet(live);
    await writeAndSee(origin, dirs.seeds, 'sub/c.md', {
      title: '换目录之后写入',
      day: 3,
      body: '新目录的子目录在被监视。',
    });
    await writeAndSee(origin, dirs.seeds, 'd.md', {
      title: '换目录之后写在根目录',
      day: 4,
      body: '新目录本身在被监视。',
    });
  });

  it('a seeds directory missing at start: watch_failed is logged and the schedule still rescans', async () => {
    const dirs = await sandbox.makeDirs();
    await rm(dirs.seeds, { recursive: true });
    const { logger, events } = recordingLogger();
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: true, cron: '* * * * * *' },
      { debounceMs: 50, logger },
    );
    await live.trigger('start');
    await live.start();
    expect(events.find((e) => e.event === 'watch_failed')).toMatchObject({
      level: 'warn',
      fields: { note: 'the schedule still rescans' },
    });
    await writeSeed(dirs.seeds, 'a.md', A);
    await until('the schedule to serve the file', served(origin, A.title), 10_000);
  });

  it('a seeds directory missing at start is watched after the scan that finds it', async () => {
    const dirs = await sandbox.makeDirs();
    await rm(dirs.seeds, { recursive: true });
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      { debounceMs: 50 },
    );
    await live.trigger('start');
    await live.start();
    await writeSeed(dirs.seeds, 'a.md', A);
    // Here a trigger; in `seedfeed serve` the schedule (or a SIGHUP).
    await live.trigger('test');
    expect((await feedItems(origin)).map((i) => i.title)).toEqual([A.title]);
    await writeAndSee(origin, dirs.seeds, 'sub/b.md', {
      title: '之后写入',
      day: 2,
      body: '由监视带来。',
    });
  });
});

describe('LiveSite and its watcher', () => {
  it('follow() after every scan, retry() on reload (SIGHUP) before the rescan, close() on stop; none with --no-watch', async () => {
    const calls: string[] = [];
    let made = 0;
    const factory = (options: { root: string; debounceMs: number }) => {
      made++;
      calls.push(`made ${path.basename(options.root)} ${options.debounceMs}`);
      return {
        follow: async () => void calls.push('follow'),
        retry: () => void calls.push('retry'),
        close: () => void calls.push('close'),
      };
    };
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      { debounceMs: 70, watcher: factory },
    );
    await live.trigger('start');
    await live.start();
    await live.reload('SIGHUP');
    await live.stop();
    expect(calls).toEqual(['made seeds 70', 'follow', 'retry', 'follow', 'close']);

    const off = await sandbox.start(
      await sandbox.makeDirs(),
      { watch: false, cron: NEVER },
      { watcher: factory },
    );
    await off.live.trigger('start');
    await off.live.start();
    await off.live.reload('SIGHUP');
    expect(made).toBe(1);
  });
});

/** Inotify watches this process holds (Linux: one `inotify wd:` line per watch in the fd's fdinfo). */
function inotifyWatches(): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== 'anon_inode:inotify') continue;
      count += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // closed while listed
    }
  }
  return count;
}

describe.runIf(process.platform === 'linux')('what the watcher costs', () => {
  it('one inotify watch per directory the scan reads, none per file and none for hidden directories', async () => {
    const dirs = await sandbox.makeDirs();
    for (const sub of ['2024', '2024/01'])
      await mkdir(path.join(dirs.seeds, sub), { recursive: true });
    await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        writeFile(
          path.join(dirs.seeds, ['', '2024', '2024/01'][i % 3]!, `f${i}.md`),
          seedText({ title: `文章 ${i}`, day: 1 + (i % 28), body: '正文。' }),
        ),
      ),
    );
    // Hidden directories are never read by the scan (a VCS checkout, an export kept inside): not watched either.
    await mkdir(path.join(dirs.seeds, '.git', 'objects', 'ab'), { recursive: true });
    await writeFile(path.join(dirs.seeds, '.git', 'objects', 'ab', 'cd'), 'x');

    const before = inotifyWatches();
    const { live } = await sandbox.start(dirs, { watch: true, cron: NEVER }, { debounceMs: 50 });
    await live.trigger('start');
    await live.start();
    expect(inotifyWatches() - before).toBe(3);
    await live.stop();
    // Let the loop run once so closed handles are released.
    await sleep(50);
    expect(inotifyWatches() - before).toBe(0);
  });
});
