/**
 * The watcher tells the rescan which paths changed (src/live/watcher.ts), and the live service
 * scans only those (src/live/service.ts → pipeline.run({ paths })); when the watcher cannot vouch
 * for its report (too many events, the seeds directory replaced) it tells none, and the rescan
 * walks the whole tree, as every other trigger does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger } from '../../src/log.js';
import { TreeWatcher, type WatcherOptions } from '../../src/live/watcher.js';
import { NEVER, Sandbox, sleep, until, writeSeed } from './harness.js';

const sandbox = new Sandbox();
const watchers: TreeWatcher[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) w.close();
  await sandbox.cleanup();
});

/** A watcher over a fresh seeds directory; each onChange's paths (undefined: the whole tree) in `told`. */
async function watching(options: Partial<WatcherOptions> = {}) {
  const { seeds } = await sandbox.makeDirs();
  const told: Array<ReadonlySet<string> | undefined> = [];
  const watcher = new TreeWatcher({
    root: seeds,
    logger: silentLogger,
    debounceMs: 50,
    onChange: (paths) => told.push(paths),
    ...options,
  });
  watchers.push(watcher);
  await watcher.follow();
  const next = async () =>
    (
      await until('the watcher to call onChange', () =>
        told.length ? told.splice(0, 1) : undefined,
      )
    )[0];
  return { seeds, told, next };
}

describe('the watcher reports', () => {
  it('the paths of the files written, and of a directory made', async () => {
    const { seeds, next } = await watching();
    await writeFile(path.join(seeds, 'a.md'), 'x');
    expect([...((await next()) ?? [])]).toContain(path.join(seeds, 'a.md'));
    await mkdir(path.join(seeds, 'sub'));
    expect([...((await next()) ?? [])]).toContain(path.join(seeds, 'sub'));
    await sleep(100); // the new directory is watched before that onChange
    await writeFile(path.join(seeds, 'sub', 'b.md'), 'y');
    expect([...((await next()) ?? [])]).toContain(path.join(seeds, 'sub', 'b.md'));
  });

  it('no paths (the whole tree) after more events than it vouches for', async () => {
    const { seeds, next } = await watching({ maxReported: 3 });
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      await writeFile(path.join(seeds, `${name}.md`), 'x');
    expect(await next()).toBeUndefined();
  });

  it('no paths (the whole tree) once the seeds directory was replaced', async () => {
    const { seeds, next } = await watching();
    await rename(seeds, `${seeds}-old`);
    await mkdir(seeds);
    await writeFile(path.join(seeds, 'a.md'), 'x');
    await writeFile(path.join(`${seeds}-old`, 'b.md'), 'x');
    expect(await next()).toBeUndefined();
  });
});

const titles = (live: {
  current(): { catalog: { articles: readonly { title: string }[] } } | undefined;
}) =>
  live
    .current()!
    .catalog.articles.map((a) => a.title)
    .sort();

describe('the live service, told of paths', () => {
  it('scans only those; told of none, it walks the whole tree', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', { title: '甲', day: 1, body: '一' });
    let onChange: WatcherOptions['onChange'] = () => undefined;
    const { live } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      {
        watcher: (options) => {
          onChange = options.onChange;
          return { follow: async () => undefined, retry: () => undefined, close: () => undefined };
        },
      },
    );
    await live.trigger('start');
    await live.start();
    expect(titles(live)).toEqual(['甲']);

    await writeSeed(dirs.seeds, 'a.md', { title: '甲改', day: 1, body: '一' }); // not told
    await writeSeed(dirs.seeds, 'b.md', { title: '乙', day: 2, body: '二' });
    const scans = live.scans;
    onChange(new Set([path.join(dirs.seeds, 'b.md')]));
    await until(
      'the told scan',
      () => (live.scans > scans && !live.health().body.scanning) || undefined,
    );
    expect(titles(live)).toEqual(['乙', '甲']);

    onChange(undefined);
    await until(
      'the whole walk',
      () => (live.scans > scans + 1 && !live.health().body.scanning) || undefined,
    );
    expect(titles(live)).toEqual(['乙', '甲改']);
  });
});
