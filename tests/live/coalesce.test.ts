/**
 * Scans never overlap and requests for scans coalesce: a trigger during a scan asks for exactly
 * one more scan after it (however many arrive), and a burst of file events becomes a few scans.
 * `CatalogScanner.prototype.scan` is wrapped to count how many scans run at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import {
  NEVER,
  Sandbox,
  feedItems,
  get,
  get200,
  health,
  recordingLogger,
  rssItems,
  seedText,
  sleep,
  until,
  writeSeed,
} from './harness.js';

const sandbox = new Sandbox();
afterEach(async () => {
  await sandbox.cleanup();
  vi.restoreAllMocks();
});

/** Holds a scan after it has walked and parsed, before it returns its catalog, until opened. */
class Gate {
  private arrived!: () => void;
  private release: (() => void) | undefined;
  /** Resolves when a scan has reached the gate. */
  readonly reached = new Promise<void>((resolve) => (this.arrived = resolve));

  wait(): Promise<void> {
    this.arrived();
    return new Promise<void>((resolve) => (this.release = resolve));
  }

  open(): void {
    if (!this.release) throw new Error('the gate was opened before a scan reached it');
    this.release();
  }
}

/**
 * Wraps CatalogScanner.scan: counts calls and the most running at once; the calls numbered in `holds`
 * (1-based, counted from this call on) wait at their gate.
 */
function instrumentScans(holds: ReadonlyMap<number, Gate> = new Map()) {
  const original = CatalogScanner.prototype.scan;
  const counts = { calls: 0, running: 0, maxRunning: 0 };
  vi.spyOn(CatalogScanner.prototype, 'scan').mockImplementation(async function (
    this: CatalogScanner,
  ) {
    const n = ++counts.calls;
    counts.running++;
    counts.maxRunning = Math.max(counts.maxRunning, counts.running);
    try {
      const result = await original.call(this);
      await holds.get(n)?.wait();
      return result;
    } finally {
      counts.running--;
    }
  });
  return counts;
}

const A = { title: '第一篇', day: 1, categories: ['科技'], body: '第一篇的正文。' };

describe('single-flight scans', () => {
  it('two triggers back to back: two sequential scans, never two at once, both promises resolve', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live } = await sandbox.start(dirs);
    const counts = instrumentScans();

    const a = live.trigger('a');
    const b = live.trigger('b');
    expect(live.health().body.scanning).toBe(true);
    await Promise.all([a, b]);
    expect(counts.calls).toBe(2);
    expect(counts.maxRunning).toBe(1);
    expect(live.scans).toBe(2);
    expect(live.health().body.scanning).toBe(false);

    // Idle again: the next trigger is a new scan of its own.
    await live.trigger('c');
    expect(live.scans).toBe(3);
    expect(counts.maxRunning).toBe(1);
  });

  it('ten triggers during one scan make exactly one follow-up scan', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live } = await sandbox.start(dirs);
    const first = new Gate();
    const counts = instrumentScans(new Map([[1, first]]));

    const pending = [live.trigger('first')];
    await first.reached;
    for (let i = 0; i < 10; i++) pending.push(live.trigger(`more ${i}`));
    expect(live.scans).toBe(1);
    first.open();
    await Promise.all(pending);
    expect(live.scans).toBe(2);
    expect(counts.calls).toBe(2);
    expect(counts.maxRunning).toBe(1);
  });

  it('the follow-up scan is logged with the reasons of the triggers that asked for it', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { logger, events } = recordingLogger();
    const { live } = await sandbox.start(dirs, {}, { logger });
    await live.trigger('start');
    const gate = new Gate();
    instrumentScans(new Map([[1, gate]]));

    const running = live.trigger('file change', new Set(['a.md']));
    await gate.reached;
    const queued = [live.trigger('schedule'), live.trigger('schedule')];
    gate.open();
    await Promise.all([running, ...queued]);
    const reasons = events.filter((e) => e.event === 'scan').map((e) => e.fields.reason);
    // A scheduled whole walk queued behind a one-file scan is the schedule's, as benches and
    // operators count them.
    expect(reasons).toEqual(['start', 'file change', 'schedule']);
  });

  it('a trigger during a scan resolves only after a scan that started after it: a change made meanwhile is served', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(dirs);
    await live.trigger('start');
    const second = new Gate();
    // Scan 1 of this instrumentation is the service's second scan.
    const counts = instrumentScans(new Map([[1, second]]));

    const running = live.trigger('a');
    await second.reached;
    // The running scan has walked already; the new file is for the next one.
    await writeSeed(dirs.seeds, 'b.md', {
      title: '扫描期间新增',
      day: 2,
      categories: ['科技'],
      body: '在扫描进行时写入的文件。',
    });
    const followUp = live.trigger('b');

    // Meanwhile requests are answered from the last complete scan; /healthz says a scan is running.
    expect((await get200(origin, '/rss.xml')).text).not.toContain('扫描期间新增');
    expect((await health(origin)).body.scanning).toBe(true);

    second.open();
    await followUp;
    expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toEqual([
      '扫描期间新增',
      A.title,
    ]);
    await running;
    expect(counts.calls).toBe(2);
    expect(counts.maxRunning).toBe(1);
    expect(live.scans).toBe(3);
  });

  it('stop() waits for the running scan; triggers after stop() start nothing', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live } = await sandbox.start(dirs);
    const first = new Gate();
    instrumentScans(new Map([[1, first]]));
    const running = live.trigger('a');
    await first.reached;
    void live.trigger('queued before stop');
    let stopped = false;
    const stopping = live.stop().then(() => (stopped = true));
    await sleep(50);
    expect(stopped).toBe(false);
    first.open();
    await stopping;
    await running;
    // The queued follow-up was dropped by stop(), and the scan that ran was served.
    expect(live.scans).toBe(1);
    expect(live.current()?.catalog.articles.map((a) => a.title)).toEqual([A.title]);
    await live.trigger('after stop');
    expect(live.scans).toBe(1);
  });
});

describe('a burst of file events with the watcher on', () => {
  /** Waits until the service has been idle (no scan running, no new scan started) for `quietMs`. */
  async function settled(
    live: { scans: number; health(): { body: Record<string, unknown> } },
    quietMs: number,
  ): Promise<void> {
    let last = -1;
    let since = Date.now();
    await until(
      `${quietMs} ms without a scan`,
      async () => {
        if (live.scans !== last || live.health().body.scanning) {
          last = live.scans;
          since = Date.now();
          return undefined;
        }
        return Date.now() - since >= quietMs ? true : undefined;
      },
      15_000,
    );
  }

  it('1,000 new files written one after another: at most 3 scans, and all 1,000 are served', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      { debounceMs: 200 },
    );
    await live.trigger('start');
    await live.start();
    const before = live.scans;

    // Dates one minute apart, so the newest 50 are known: 999 down to 950.
    for (let i = 0; i < 1000; i++) {
      const date = new Date(Date.UTC(2024, 1, 1) + i * 60_000).toISOString();
      const spec = {
        title: `批量文章 ${i}`,
        date,
        categories: ['批量'],
        body: `第 ${i} 篇批量写入的文章。`,
      };
      await writeFile(
        path.join(dirs.seeds, `burst-${String(i).padStart(4, '0')}.md`),
        seedText(spec),
      );
    }

    await until(
      'all 1,001 articles to be served',
      async () => ((await health(origin)).body.articles === 1001 ? true : undefined),
      15_000,
    );
    await settled(live, 500);
    const scans = live.scans - before;
    expect(scans).toBeGreaterThanOrEqual(1);
    expect(scans).toBeLessThanOrEqual(3);

    const items = await feedItems(origin, '/categories/批量/rss.xml');
    expect(items.map((i) => i.title)).toEqual(
      Array.from({ length: 50 }, (_, k) => `批量文章 ${999 - k}`),
    );
    expect((await health(origin)).body).toMatchObject({
      status: 'ok',
      files: 1001,
      articles: 1001,
      categories: 2,
      scanning: false,
    });
  });

  it('one file rewritten 1,000 times: at most 3 scans, and the last version is served with the first guid', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: true, cron: NEVER },
      { debounceMs: 200 },
    );
    await live.trigger('start');
    await live.start();
    const guid = (await feedItems(origin))[0]!.guid;
    const before = live.scans;

    const target = path.join(dirs.seeds, 'a.md');
    for (let i = 1; i <= 1000; i++) {
      await writeFile(
        target,
        seedText({ ...A, title: `第一篇 第 ${i} 版`, body: `第一篇的正文，第 ${i} 次修改。` }),
      );
    }

    const items = await until(
      'version 1000 to be served',
      async () => {
        const got = await feedItems(origin);
        return got[0]?.title === '第一篇 第 1000 版' ? got : undefined;
      },
      15_000,
    );
    await settled(live, 500);
    const scans = live.scans - before;
    expect(scans).toBeGreaterThanOrEqual(1);
    expect(scans).toBeLessThanOrEqual(3);
    expect(items).toHaveLength(1);
    expect(items[0]!.guid).toBe(guid);
    expect((await get200(origin, '/rss.xml')).text).toContain('第 1000 次修改');
  });
});
