/**
 * After a big scan the main thread's heap is collected once (V8 leaves a scan's garbage in place
 * while the server idles: 67 MB of 133 MB 45 s after the first scan of 10,000 files), and never
 * after a small rescan, whose one-file changes must not pay a full collection. The fresh worker
 * a big batch leaves behind parses one of its files at once, off the first change's path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { getHeapSpaceStatistics } from 'node:v8';
import path from 'node:path';
import { generateCorpus } from '../../tools/bench/corpus.js';
import { walkSeeds } from '../../src/scan/walk.js';
import type { SeedFile } from '../../src/model.js';
import { ParsePool } from '../../src/workers/pool.js';
import {
  collectGarbageSoon,
  collector,
  shrinkYoungGenerationSoon,
} from '../../src/workers/heap.js';
import { SAMPLES } from '../support/site.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { Sandbox, liveConfig, writeSeed } from '../live/harness.js';

const FILES = 320; // above the pool's threshold (300): a big batch
let temp: string;
let files: SeedFile[];

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-heap-'));
  await generateCorpus({ dir: temp, files: FILES, samplesDir: SAMPLES, seed: 3 });
  files = [...(await walkSeeds(temp, { extensions: ['.md', '.txt'] })).files];
}, 60_000);

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('the parse pool after a scan', () => {
  it('has the main heap collected once after a big batch, after a small one only its young generation', async () => {
    let collected = 0;
    let shrunk = 0;
    const pool = new ParsePool({
      size: 2,
      collectGarbage: () => collected++,
      shrinkYoungGeneration: () => shrunk++,
    });
    try {
      await pool.parseBatch(files.slice(0, 3), 5 << 20);
      await pool.release();
      pool.afterScan();
      expect([collected, shrunk]).toEqual([0, 1]);

      await pool.parseBatch(files, 5 << 20);
      pool.afterScan(); // not released yet: the scan is still exporting
      expect(collected).toBe(0);
      await pool.release();
      pool.afterScan();
      expect([collected, shrunk]).toEqual([1, 2]);
      pool.afterScan();
      expect([collected, shrunk]).toEqual([1, 3]);

      await pool.parseBatch(files.slice(0, 1), 5 << 20);
      await pool.release();
      pool.afterScan();
      expect(collected).toBe(1);
      // A scan big without a big batch (a whole export written again): its caller says so.
      pool.afterScan(true);
      expect(collected).toBe(2);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('the fresh worker after a big batch', () => {
  it('parses one small file of the batch at once, so the first change does not compile the parser', async () => {
    const pool = new ParsePool({ size: 2, collectGarbage: () => undefined });
    const warmed: number[] = [];
    pool.onWarmedUp = (ms) => warmed.push(ms);
    try {
      await pool.parseBatch(files.slice(0, 3), 5 << 20);
      await pool.release();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(warmed).toEqual([]); // a small batch: its worker stays and is warm already

      await pool.parseBatch(files, 5 << 20);
      await pool.release();
      for (let i = 0; i < 100 && warmed.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warmed).toHaveLength(1);
      // The warm-up is once per big batch: a small change after it is not one.
      await pool.parseBatch(files.slice(0, 1), 5 << 20);
      await pool.release();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(warmed).toHaveLength(1);
      // The changes after it are parsed by that worker as usual.
      const [parsed] = await pool.parseBatch(files.slice(5, 6), 5 << 20);
      expect(parsed).toHaveProperty('title');
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('a service after a scan', () => {
  it('has the main heap collected after its first scan (a restart decodes a snapshot), not after a one-file change', async () => {
    const sandbox = new Sandbox();
    let collected = 0;
    try {
      const dirs = await sandbox.makeDirs();
      await writeSeed(dirs.seeds, 'a.md', { title: 'Spring planting', day: 1, body: 'Sown.' });
      const pool = new ParsePool({ size: 1, collectGarbage: () => collected++ });
      const live = sandbox.live(liveConfig(dirs), { pool });
      await live.trigger('start');
      expect(collected).toBe(1);
      await writeSeed(dirs.seeds, 'b.md', { title: 'River report', day: 2, body: 'High.' });
      await live.trigger('file change');
      expect(live.current()!.catalog.articles).toHaveLength(2);
      expect(collected).toBe(1);
    } finally {
      await sandbox.cleanup();
    }
  }, 30_000);

  it('collects once after a scan queued behind its first one, not between them', async () => {
    const sandbox = new Sandbox();
    let scans = 0;
    const countingScans: Logger = {
      ...silentLogger,
      info: (event) => void (event === 'scan' && scans++),
      child: () => countingScans,
    };
    const collectedAfter: number[] = [];
    try {
      const dirs = await sandbox.makeDirs();
      await writeSeed(dirs.seeds, 'a.md', { title: 'Spring planting', day: 1, body: 'Sown.' });
      const pool = new ParsePool({ size: 1, collectGarbage: () => collectedAfter.push(scans) });
      const live = sandbox.live(liveConfig(dirs), { pool, logger: countingScans });
      const first = live.trigger('start');
      const queued = live.trigger('schedule'); // the first scan is running: this one follows it
      await Promise.all([first, queued]);
      expect(scans).toBe(2);
      expect(collectedAfter).toEqual([2]);
    } finally {
      await sandbox.cleanup();
    }
  }, 30_000);
});

describe('collector', () => {
  it('frees what nothing holds, in the old generation too', async () => {
    let big: object[] | undefined = new Array<object>(300_000).fill({}); // a large object: old space
    const weak = new WeakRef(big);
    big = undefined;
    await new Promise((resolve) => setTimeout(resolve, 0)); // a WeakRef holds until the job ends
    collector()();
    expect(weak.deref()).toBeUndefined();
  });
});

describe('collectGarbageSoon and shrinkYoungGenerationSoon', () => {
  const youngMB = () =>
    getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20;
  /** A scan's allocation burst in small: short-lived objects until the young generation has grown. */
  const burst = () => {
    const kept: object[] = [];
    for (let round = 0; round < 200 && (round < 20 || youngMB() < 16); round++)
      kept.push(Array.from({ length: 100_000 }, (_, i) => ({ i, s: `x${i}` }))[round]!);
    expect(youngMB()).toBeGreaterThanOrEqual(16);
  };
  const idle = () => new Promise((resolve) => setTimeout(resolve, 6_500));

  it('give back the young generation a burst grew, once the server has idled', async () => {
    // One minor collection after the idle time is what lets V8 shrink it (shrinkYoungGenerationSoon
    // alone after small scans; measured in serve, docs/performance.md).
    burst();
    collectGarbageSoon(0, 6_000);
    await idle();
    expect(youngMB()).toBeLessThanOrEqual(4);
  }, 30_000);

  it('after small scans, collect the young generation once, when they are over', async () => {
    const asked: unknown[] = [];
    const counting = () => (options?: unknown) => void asked.push(options);
    for (let i = 0; i < 3; i++) {
      shrinkYoungGenerationSoon(50, counting);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(asked).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(asked).toEqual([{ type: 'minor' }]);
  });
});
