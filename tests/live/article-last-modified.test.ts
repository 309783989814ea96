/**
 * An article page's Last-Modified (its date, update or file's modification time, whichever is
 * newest) stays while its bytes do: across a restart (a new LiveSite over
 * the same seeds and saved state, with its own clock), after a racy re-read of its file (touched,
 * same bytes), and on a second service over a copy of the seeds that started later. A reader that
 * sends only If-Modified-Since (tt-rss) gets 304 every time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cp, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Sandbox, get, get200, liveConfig, writeSeed, type Dirs, type Got } from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const A = { title: '春季农业生产', day: 1, categories: ['农业'], body: '各地抓紧春耕春播。' };
const B = {
  title: '高校毕业生就业',
  date: '2024-01-02 10:00:00 +0800',
  categories: ['教育'],
  body: '多地举办专场招聘会。',
};

/** One "process": a LiveSite with its own clock and server, scanned once. */
async function run(dirs: Dirs, at: string) {
  const live = sandbox.live(liveConfig(dirs), { clock: () => new Date(at) });
  const { origin } = await sandbox.serve(live);
  await live.trigger('start');
  expect(live.health().body.lastScan).toMatchObject({ ok: true });
  return { live, origin };
}

type Run = Awaited<ReturnType<typeof run>>;

async function articlePages({ live, origin }: Run): Promise<Map<string, Got>> {
  const pages = new Map<string, Got>();
  for (const a of live.current()!.catalog.articles) {
    const page = `/articles/${a.id}/`;
    pages.set(page, await get200(origin, page));
  }
  return pages;
}

async function expectSameDates(origin: string, before: ReadonlyMap<string, Got>): Promise<void> {
  for (const [page, old] of before) {
    const now = await get200(origin, page);
    expect(now.etag, page).toBe(old.etag);
    expect(now.lastModified, page).toBe(old.lastModified);
    const conditional = await get(origin, page, { 'if-modified-since': old.lastModified! });
    expect(conditional.status, page).toBe(304);
  }
}

describe('article pages', () => {
  it('are dated by the article, and keep that date across a restart, a racy re-read and on another service', async () => {
    const dirs = await sandbox.makeDirs();
    // Written before the articles' dates: their dates, not the files', are the newest change.
    const written = new Date('2023-12-31T00:00:00Z');
    await writeSeed(dirs.seeds, 'a.md', A, written);
    await writeSeed(dirs.seeds, 'b.md', B, written);
    const first = await run(dirs, '2030-01-01T00:00:00Z');
    const before = await articlePages(first);
    expect([...before.values()].map((p) => p.lastModified).sort()).toEqual([
      'Mon, 01 Jan 2024 02:00:00 GMT',
      'Tue, 02 Jan 2024 02:00:00 GMT',
    ]);
    await first.live.stop();
    // Another machine's copy of the seeds (rsync -t keeps modification times), used below.
    const other = await sandbox.makeDirs();
    await cp(dirs.seeds, other.seeds, { recursive: true, preserveTimestamps: true });

    // A restart, hours later, over the same seeds and saved state.
    const second = await run(dirs, '2030-01-01T05:00:00Z');
    await expectSameDates(second.origin, before);

    // A racy re-read: the file touched (same bytes, new mtime) and scanned again.
    const touched = new Date('2030-01-01T06:00:00Z');
    await utimes(path.join(dirs.seeds, 'a.md'), touched, touched);
    await second.live.trigger('schedule');
    await expectSameDates(second.origin, before);
    await second.live.stop();

    // Another service over that copy, its own export and state, started a day later. (A process
    // that first sees a file after it was touched dates it by the touch: docs/http.md.)
    const replica = await run(other, '2030-01-02T00:00:00Z');
    await expectSameDates(replica.origin, before);
  });
});
