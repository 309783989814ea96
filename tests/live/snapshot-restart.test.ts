/**
 * A restart reads only the seed files that changed while the service was down: the catalog
 * snapshot in `<out>` (`.seedfeed-catalog.ndjson` and its log) holds each file's stamp, digest
 * and parse. A damaged snapshot is told and every file is read; until the first scan is done,
 * the last export answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SNAPSHOT_VERSION } from '../../src/catalog/snapshot.js';
import { CATALOG_LOG, CATALOG_SNAPSHOT } from '../../src/export/catalog-snapshot.js';
import { assembleService } from '../../src/live/assemble.js';
import { ParsePool } from '../../src/workers/pool.js';
import type { LiveSite } from '../../src/live/service.js';
import {
  Sandbox,
  get200,
  liveConfig,
  recordingLogger,
  rssItems,
  writeSeed,
  type Dirs,
  type Got,
} from './harness.js';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

const SEEDS = {
  'a.md': { title: 'Spring planting', day: 1, categories: ['farm'], body: 'Fields are sown.' },
  'b.md': { title: 'Graduates hired', day: 2, categories: ['school'], body: 'Job fairs open.' },
  'notes/c.md': { title: 'River report', day: 3, categories: ['farm'], body: 'Water is high.' },
};
/** Long before any scan: no file is in the racy window, so an unchanged one is never read. */
const OLD = new Date('2024-03-05T06:07:08Z');

async function seeds(dirs: Dirs): Promise<void> {
  for (const [file, spec] of Object.entries(SEEDS)) {
    await writeSeed(dirs.seeds, file, spec);
    await utimes(path.join(dirs.seeds, file), OLD, OLD);
  }
}

/** One "process": a LiveSite with its own server, scanned once; its scan log line. */
async function run(dirs: Dirs) {
  const { logger, events } = recordingLogger();
  const live = sandbox.live(liveConfig(dirs), { logger });
  const { origin } = await sandbox.serve(live);
  await live.trigger('start');
  const scan = events.find((e) => e.event === 'scan')!.fields;
  return { live, origin, events, scan };
}

function allPaths(live: LiveSite): string[] {
  const site = live.current()!;
  return [...site.resources.keys(), ...site.catalog.articles.map((a) => `/articles/${a.id}/`)];
}

async function fetchAll(origin: string, paths: readonly string[]): Promise<Map<string, Got>> {
  const out = new Map<string, Got>();
  for (const p of paths) out.set(p, await get200(origin, p));
  return out;
}

function expectSameBytes(before: ReadonlyMap<string, Got>, after: ReadonlyMap<string, Got>) {
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [p, old] of before) {
    expect(after.get(p)!.etag, p).toBe(old.etag);
    expect(after.get(p)!.body.equals(old.body), p).toBe(true);
  }
}

describe('a restart with the catalog snapshot', () => {
  it('reads no seed file of an unchanged tree and serves the same bytes', async () => {
    const dirs = await sandbox.makeDirs();
    await seeds(dirs);
    const first = await run(dirs);
    expect(first.scan).toMatchObject({ changed: 3, read: 3 });
    const paths = allPaths(first.live);
    const before = await fetchAll(first.origin, paths);
    await first.live.stop();

    const second = await run(dirs);
    expect(second.scan).toMatchObject({ files: 3, changed: 0, read: 0, written: 0, deleted: 0 });
    expect(second.events.filter((e) => e.event === 'snapshot_ignored')).toEqual([]);
    expectSameBytes(before, await fetchAll(second.origin, allPaths(second.live)));
  });

  it('picks up a file edited, one added and one deleted while the service was down', async () => {
    const dirs = await sandbox.makeDirs();
    await seeds(dirs);
    const first = await run(dirs);
    await first.live.stop();
    await writeSeed(dirs.seeds, 'a.md', { ...SEEDS['a.md'], title: 'Spring planting ends' });
    await writeSeed(dirs.seeds, 'd.md', { title: 'New bridge', day: 4, body: 'It opens.' });
    await rm(path.join(dirs.seeds, 'notes/c.md'));
    // Out of the racy window, so that the third start can tell them unchanged by their stamps.
    const later = new Date(OLD.getTime() + 86_400_000);
    for (const file of ['a.md', 'd.md']) await utimes(path.join(dirs.seeds, file), later, later);

    const second = await run(dirs);
    expect(second.scan).toMatchObject({ files: 3, changed: 2, read: 2, removed: 1 });
    const titles = rssItems((await get200(second.origin, '/rss.xml')).text).map((i) => i.title);
    expect(titles.sort()).toEqual(['Graduates hired', 'New bridge', 'Spring planting ends']);
    await second.live.stop();

    // The change went to the snapshot's log: a third start reads nothing again.
    const third = await run(dirs);
    expect(third.scan).toMatchObject({ changed: 0, read: 0 });
  });

  it('ignores a damaged snapshot, says why and reads every file', async () => {
    const { dirs, before, file } = await firstRunStopped();
    await writeFile(file, (await readFile(file, 'utf8')).replace('Graduates', 'Graduatez'));

    const second = await run(dirs);
    const ignored = second.events.find((e) => e.event === 'snapshot_ignored');
    expect(String(ignored?.fields.error)).toMatch(/checksum/);
    expect(second.scan).toMatchObject({ changed: 3, read: 3, written: 0 });
    expectSameBytes(before, await fetchAll(second.origin, allPaths(second.live)));
  });

  it('ignores a snapshot of the format before (other sketches) and reads every file', async () => {
    const { dirs, before, file } = await firstRunStopped();
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`"version":${SNAPSHOT_VERSION}`);
    // Format 3 kept 32-bit signatures: read as this format's sketches they would compare wrongly.
    await writeFile(file, text.replace(`"version":${SNAPSHOT_VERSION}`, '"version":3'));

    const second = await run(dirs);
    const ignored = second.events.find((e) => e.event === 'snapshot_ignored');
    expect(String(ignored?.fields.error)).toMatch(/outdated \(format 3, now 4\)/);
    expect(second.scan).toMatchObject({ changed: 3, read: 3, written: 0 });
    expectSameBytes(before, await fetchAll(second.origin, allPaths(second.live)));
  });

  it('answers from the last export while the first scan runs, then from the new Site', async () => {
    const dirs = await sandbox.makeDirs();
    await seeds(dirs);
    const first = await run(dirs);
    const feed = await get200(first.origin, '/rss.xml');
    const articlePath = allPaths(first.live).find((p) => p.startsWith('/articles/'))!;
    const page = await get200(first.origin, articlePath);
    await first.live.stop();
    // No snapshot: every file must be parsed, and the parse waits until the test lets it go.
    await rm(path.join(dirs.out, CATALOG_SNAPSHOT));
    await rm(path.join(dirs.out, CATALOG_LOG), { force: true });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pool = new ParsePool();
    const reparse = pool.reparseBatch;
    Object.assign(pool, {
      reparseBatch: async (...args: Parameters<typeof reparse>) => {
        await gate;
        return reparse(...args);
      },
    });
    const { logger } = recordingLogger();
    const service = assembleService(liveConfig(dirs), logger, {
      maxAge: 60,
      live: { pool },
    });
    const starting = service.start();
    try {
      // Until the state is loaded, Last-Modified is the file's mtime; then the recorded one.
      await service.live.restoredValidators();
      const early = await service.app.request('/rss.xml', {
        headers: { 'accept-encoding': 'identity' },
      });
      expect(early.status).toBe(200);
      expect(early.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
      expect(early.headers.get('etag')).toBe(feed.etag);
      expect(early.headers.get('last-modified')).toBe(feed.lastModified);
      expect(Buffer.from(await early.arrayBuffer()).equals(feed.body)).toBe(true);
      const revalidated = await service.app.request('/rss.xml', {
        headers: { 'if-none-match': feed.etag! },
      });
      expect(revalidated.status).toBe(304);
      const article = await service.app.request(articlePath, {
        headers: { 'accept-encoding': 'identity' },
      });
      expect(article.status).toBe(200);
      expect(article.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(Buffer.from(await article.arrayBuffer()).equals(page.body)).toBe(true);
      // What the export cannot answer waits for the scan; hidden files are never served.
      expect((await service.app.request('/rss.xml?limit=1')).status).toBe(503);
      expect((await service.app.request(`/${CATALOG_SNAPSHOT}`)).status).toBe(503);
      expect((await service.app.request('/.seedfeed-state.json')).status).toBe(503);
      const health = await service.app.request('/healthz');
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'starting', serving: 'export' });
      expect(service.live.current()).toBeUndefined();
    } finally {
      release();
      await starting;
    }
    expect(service.live.current()).toBeDefined();
    expect(await (await service.app.request('/healthz')).json()).toMatchObject({
      status: 'ok',
      serving: 'scan',
    });
    expect((await service.app.request('/rss.xml?limit=1')).status).toBe(200);
    await service.stop();
  });
});

/** Seeds, a first run that writes the snapshot, its served bytes, then stopped. */
async function firstRunStopped() {
  const dirs = await sandbox.makeDirs();
  await seeds(dirs);
  const first = await run(dirs);
  const before = await fetchAll(first.origin, allPaths(first.live));
  await first.live.stop();
  return { dirs, before, file: path.join(dirs.out, CATALOG_SNAPSHOT) };
}
