/**
 * A restart (a new LiveSite over the same seeds and out directories, as a new process would
 * make) keeps what readers rely on, through `<out>/.seedfeed-state.json`: every output's bytes,
 * ETag and Last-Modified, every guid — also of an article edited while the service was down —
 * and the first-seen date of a file without a date, even after its mtime changed.
 * Each run has its own clock, hours apart: a Last-Modified that followed the clock would show
 * (it follows the seeds: render/last-modified.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { STATE_FILE } from '../../src/export/state.js';
import {
  Sandbox,
  get,
  get200,
  itemTitled,
  liveConfig,
  recordingLogger,
  rssItems,
  writeSeed,
  type Dirs,
  type Got,
} from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const A = { title: '春季农业生产', day: 1, categories: ['农业'], body: '各地抓紧春耕春播。' };
const A_EDITED = {
  title: '春季农业生产全面展开',
  day: 1,
  categories: ['农业'],
  body: '各地抓紧春耕春播，农机作业面积扩大。',
};
const B = { title: '高校毕业生就业', day: 2, categories: ['教育'], body: '多地举办专场招聘会。' };
/** No date: its date is the file's mtime when first seen. */
const U = { title: '无日期的随笔', categories: ['随笔'], body: '这篇文章没有写日期。' };
const FIRST_MTIME = new Date('2024-03-05T06:07:08Z');
/** When the dated files were written: later than their dates, so Last-Modified is this. */
const WRITTEN = new Date('2029-12-31T00:00:00Z');

async function seeds(dirs: Dirs): Promise<void> {
  await writeSeed(dirs.seeds, 'a.md', A, WRITTEN);
  await writeSeed(dirs.seeds, 'b.md', B, WRITTEN);
  await writeSeed(dirs.seeds, 'notes/u.md', U);
  await utimes(path.join(dirs.seeds, 'notes/u.md'), FIRST_MTIME, FIRST_MTIME);
}

/** One "process": a LiveSite with its own clock and server, scanned once. */
async function run(dirs: Dirs, at: string) {
  const { logger, events } = recordingLogger();
  const live = sandbox.live(liveConfig(dirs), { logger, clock: () => new Date(at) });
  const { origin } = await sandbox.serve(live);
  await live.trigger('start');
  expect(live.health().body.lastScan).toMatchObject({ ok: true });
  return { live, origin, events };
}

/** Every path of the site: feeds, pages, OPML and each article page. */
function allPaths(live: Awaited<ReturnType<typeof run>>['live']): string[] {
  const site = live.current()!;
  return [...site.resources.keys(), ...site.catalog.articles.map((a) => `/articles/${a.id}/`)];
}

async function snapshot(origin: string, paths: readonly string[]): Promise<Map<string, Got>> {
  const out = new Map<string, Got>();
  for (const p of paths) out.set(p, await get200(origin, p));
  return out;
}

/** Same bytes, ETag and Last-Modified everywhere: feeds, list pages, the OPML and article pages. */
function expectSame(before: ReadonlyMap<string, Got>, after: ReadonlyMap<string, Got>): void {
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [p, old] of before) {
    const now = after.get(p)!;
    expect(now.etag, p).toBe(old.etag);
    expect(now.lastModified, p).toBe(old.lastModified);
    expect(now.body.equals(old.body), p).toBe(true);
  }
}

const guidsOf = async (origin: string) =>
  new Map(rssItems((await get200(origin, '/rss.xml')).text).map((i) => [i.title, i.guid]));

describe('a restart', () => {
  it('serves every output byte-identical with the same ETag and Last-Modified; old ETags get 304; guids stay', async () => {
    const dirs = await sandbox.makeDirs();
    await seeds(dirs);
    const first = await run(dirs, '2030-01-01T00:00:00Z');
    const paths = allPaths(first.live);
    // Feeds, index, three formats and a page per category, OPML, stylesheet, icon, articles.
    expect(paths).toHaveLength(3 + 1 + 3 * 4 + 1 + 2 + 3);
    const before = await snapshot(first.origin, paths);
    const guids = await guidsOf(first.origin);
    expect(guids.size).toBe(3);
    for (const got of [before.get('/rss.xml')!, before.get('/categories/教育/feed.json')!])
      expect(got.lastModified).toBe(WRITTEN.toUTCString());
    await first.live.stop();
    const state = JSON.parse(await readFile(path.join(dirs.out, STATE_FILE), 'utf8')) as {
      version: number;
      validators: Record<string, unknown>;
    };
    expect(state.version).toBe(1);
    expect(Object.keys(state.validators)).toContain('/categories/教育/rss.xml');

    const second = await run(dirs, '2030-01-01T05:00:00Z');
    expect(second.live.scans).toBe(1);
    expectSame(before, await snapshot(second.origin, paths));
    expect(await guidsOf(second.origin)).toEqual(guids);
    const article = paths.find((p) => p.startsWith('/articles/'))!;
    for (const p of [
      '/rss.xml',
      '/atom.xml',
      '/feed.json',
      '/categories/农业/rss.xml',
      '/opml.xml',
      '/',
      article,
    ]) {
      const conditional = await get(second.origin, p, { 'if-none-match': before.get(p)!.etag! });
      expect(conditional.status, p).toBe(304);
    }
    // Nothing was rewritten in the export: the manifest and state said it all stands.
    expect(second.events.find((e) => e.event === 'scan')?.fields).toMatchObject({
      changed: 0,
      written: 0,
      deleted: 0,
    });
  });

  it('a file without a date keeps its first-seen date after a touch (new mtime, same content), across restarts', async () => {
    const dirs = await sandbox.makeDirs();
    await seeds(dirs);
    const first = await run(dirs, '2030-01-01T00:00:00Z');
    const u0 = itemTitled(rssItems((await get200(first.origin, '/rss.xml')).text), U.title);
    expect(new Date(u0.pubDate).toISOString()).toBe(FIRST_MTIME.toISOString());
    const paths = allPaths(first.live);
    const before = await snapshot(first.origin, paths);

    // Touched while running: re-read, same date.
    const touched = new Date('2025-07-01T00:00:00Z');
    await utimes(path.join(dirs.seeds, 'notes/u.md'), touched, touched);
    await first.live.trigger('test');
    expect(
      itemTitled(rssItems((await get200(first.origin, '/rss.xml')).text), U.title).pubDate,
    ).toBe(u0.pubDate);
    await first.live.stop();

    // Touched again while stopped: the new process has never seen the file, only the state.
    const again = new Date('2026-02-03T00:00:00Z');
    await utimes(path.join(dirs.seeds, 'notes/u.md'), again, again);
    const second = await run(dirs, '2030-01-02T00:00:00Z');
    const u1 = itemTitled(rssItems((await get200(second.origin, '/rss.xml')).text), U.title);
    expect(u1.pubDate).toBe(u0.pubDate);
    expect(u1.guid).toBe(u0.guid);
    expectSame(before, await snapshot(second.origin, paths));
  });

  it('a file edited while the service was down keeps its guid and article URL', async () => {
    const dirs = await sandbox.makeDirs();
    await seeds(dirs);
    const first = await run(dirs, '2030-01-01T00:00:00Z');
    const a0 = itemTitled(rssItems((await get200(first.origin, '/rss.xml')).text), A.title);
    const b0 = await get200(first.origin, '/categories/教育/rss.xml');
    await first.live.stop();

    const edited = new Date('2030-01-02T12:00:00Z');
    await writeSeed(dirs.seeds, 'a.md', A_EDITED, edited);
    const second = await run(dirs, '2030-01-03T00:00:00Z');
    const items = rssItems((await get200(second.origin, '/rss.xml')).text);
    expect(items.some((i) => i.title === A.title)).toBe(false);
    const a1 = itemTitled(items, A_EDITED.title);
    expect(a1.guid).toBe(a0.guid);
    expect(a1.link).toBe(a0.link);
    expect(
      itemTitled(
        rssItems((await get200(second.origin, '/categories/农业/rss.xml')).text),
        A_EDITED.title,
      ).guid,
    ).toBe(a0.guid);
    // The other category's feed is untouched by the edit and by the restart.
    const b1 = await get200(second.origin, '/categories/教育/rss.xml');
    expect(b1.etag).toBe(b0.etag);
    expect(b1.lastModified).toBe(b0.lastModified);
    // The edited category's feed changed: new ETag, and the edit's time as Last-Modified.
    const changed = await get200(second.origin, '/categories/农业/rss.xml');
    expect(changed.lastModified).toBe(edited.toUTCString());

    // And one more restart keeps the edited article's guid and the feed's validators.
    await second.live.stop();
    const third = await run(dirs, '2030-01-04T00:00:00Z');
    expect(
      itemTitled(rssItems((await get200(third.origin, '/rss.xml')).text), A_EDITED.title).guid,
    ).toBe(a0.guid);
    const still = await get200(third.origin, '/categories/农业/rss.xml');
    expect(still.etag).toBe(changed.etag);
    expect(still.lastModified).toBe(changed.lastModified);
  });

  it('a damaged state file is a fresh start, not a failure', async () => {
    const dirs = await sandbox.makeDirs();
    await seeds(dirs);
    const first = await run(dirs, '2030-01-01T00:00:00Z');
    const guids = await guidsOf(first.origin);
    const before = await get200(first.origin, '/rss.xml');
    await first.live.stop();
    await writeFile(path.join(dirs.out, STATE_FILE), '{"version":1,"guids":');

    const second = await run(dirs, '2030-01-05T00:00:00Z');
    expect(second.live.health().body.status).toBe('ok');
    // Unedited articles' guids come from their content, so they are the same anyway; the bytes
    // are the same, so the old ETag still matches, and Last-Modified comes from the seeds.
    expect(await guidsOf(second.origin)).toEqual(guids);
    const rss = await get200(second.origin, '/rss.xml');
    expect(rss.etag).toBe(before.etag);
    expect(rss.lastModified).toBe(before.lastModified);
    // The state is written again whole.
    expect(JSON.parse(await readFile(path.join(dirs.out, STATE_FILE), 'utf8'))).toMatchObject({
      version: 1,
    });
  });
});
