/**
 * In `serve` no parse runs on the thread that answers requests: not the first scan, not a one-file
 * rescan, not a body a page needs again. A file whose parse never ends (the pool's test-only fault)
 * holds up no request; it is rejected at its deadline and the rest of the site is served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PoolOptions } from '../../src/workers/pool-options.js';
import { ParsePool } from '../../src/workers/pool.js';
import { Sandbox, get, get200, writeSeed } from '../live/harness.js';

const sandbox = new Sandbox();
const pools: ParsePool[] = [];
afterEach(async () => {
  await sandbox.cleanup();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function pool(options: PoolOptions): ParsePool {
  const made = new ParsePool(options);
  pools.push(made);
  return made;
}

/** The worst delay of this thread's timers while `work` runs (a 5 ms timer, measured). */
async function worstTimerLag(work: () => Promise<void>): Promise<number> {
  let worst = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 5);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(probe);
  }
  return worst;
}

describe('serve parses in worker threads', () => {
  it('a one-file rescan of a file that never finishes: requests are answered meanwhile, the file is rejected at its deadline', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', { title: 'First', day: 1, body: 'The first article.' });
    const parsePool = pool({
      deadline: { baseMs: 2_000, perMbMs: 0 },
      faults: { spinOn: 'stuck.md' },
    });
    const { live, origin } = await sandbox.start(dirs, { watch: false }, { pool: parsePool });
    await live.trigger('start');
    await writeSeed(dirs.seeds, 'stuck.md', { title: 'Stuck', day: 2, body: 'Never parsed.' });

    const answers: number[] = [];
    const lag = await worstTimerLag(async () => {
      const rescan = live.trigger('test');
      let done = false;
      void rescan.then(() => (done = true));
      while (!done) {
        const started = performance.now();
        await get(origin, '/healthz');
        answers.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    expect(answers.length).toBeGreaterThan(20);
    expect(Math.max(...answers)).toBeLessThan(500);
    expect(lag).toBeLessThan(500);
    const site = live.current()!;
    expect(site.catalog.rejected).toEqual([
      {
        file: 'stuck.md',
        reason: expect.stringMatching(/^took too long to parse: stopped after 2 s/) as string,
      },
    ]);
    expect((await get200(origin, '/rss.xml')).text).toContain('The first article.');
  }, 60_000);

  it('a page whose body was let go is parsed again in a worker', async () => {
    const dirs = await sandbox.makeDirs();
    for (let day = 1; day <= 3; day++)
      await writeSeed(dirs.seeds, `d${day}.md`, {
        title: `Day ${day}`,
        day,
        body: `Body of day ${day}.`,
      });
    const parsePool = pool({});
    let reloads = 0;
    const parseOne = parsePool.parseOne.bind(parsePool);
    parsePool.parseOne = (file, max) => {
      reloads++;
      return parseOne(file, max);
    };
    // limit 1: only the newest article's body stays in memory after the scan.
    const { live, origin } = await sandbox.start(
      dirs,
      { watch: false, limit: 1 },
      { pool: parsePool },
    );
    await live.trigger('start');
    const oldest = live.current()!.catalog.articles.find((a) => a.title === 'Day 1')!;
    expect(live.current()!.catalog.content.get(oldest.bodySource)).toBeUndefined();
    expect((await get200(origin, `/articles/${oldest.id}/`)).text).toContain('Body of day 1.');
    expect(reloads).toBe(1);
  }, 60_000);
});
