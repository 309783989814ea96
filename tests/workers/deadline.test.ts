/**
 * Parsing runs in worker threads, and every file has a deadline and a memory bound there: a worker
 * stuck in one file is ended and replaced, one that runs out of memory dies alone; either way that
 * file is rejected saying why, the other files of its request are parsed again, and the scan goes
 * on. The stuck and hungry files are made with the pool's test-only faults (workers/faults.ts),
 * which are keyed by path and set only by code; no seed content can trigger them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import type { PoolOptions } from '../../src/workers/pool-options.js';
import { ParsePool } from '../../src/workers/pool.js';
import type { Catalog } from '../../src/model.js';
import { makeTempDir, scanConfig } from '../support/seeds.js';

const article = (i: number) =>
  `---\ntitle: Article ${i}\ndate: 2024-01-${String((i % 28) + 1).padStart(2, '0')}\n---\n<p>Body of article number ${i}, which is its own.</p>\n`;
// Short, so that each stuck file costs the suite little; the files that are not stuck parse in a
// few ms, far inside it.
const DEADLINE = { baseMs: 400, perMbMs: 0 };
/** How a rejection reason names the deadline (endings.ts rounds to tenths of a second). */
const STOPPED_AFTER = 'stopped after 0.4 s';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function seedsWith(count: number, extra: readonly string[]): Promise<string> {
  const temp = await makeTempDir('seedfeed-deadline-');
  cleanup.push(temp.remove);
  for (let i = 0; i < count; i++)
    await writeFile(path.join(temp.dir, `a${String(i).padStart(4, '0')}.md`), article(i));
  for (const name of extra) await writeFile(path.join(temp.dir, name), article(9_000));
  return temp.dir;
}

function pool(options: PoolOptions): ParsePool {
  const made = new ParsePool(options);
  cleanup.push(() => made.close());
  return made;
}

const rejection = (catalog: Catalog, file: string) =>
  catalog.rejected.find((r) => r.file === file)?.reason;

describe('a file that never finishes parsing', () => {
  it('is rejected after its deadline, which the reason names; every other file is parsed', async () => {
    const dir = await seedsWith(20, ['stuck.md']);
    const started = performance.now();
    const { catalog } = await new CatalogScanner(
      scanConfig(dir),
      undefined,
      pool({ deadline: DEADLINE, faults: { spinOn: 'stuck.md' } }),
    ).scan();
    expect(rejection(catalog, 'stuck.md')).toMatch(
      new RegExp(`^took too long to parse: ${STOPPED_AFTER}, the limit for a file of \\d+ B$`),
    );
    expect(catalog.articles).toHaveLength(20);
    expect(catalog.rejected).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('in a big scan too (a worker per core, 48 files a request): the rest of its request is parsed again', async () => {
    const dir = await seedsWith(400, ['a0100-stuck.md', 'a0300-stuck.md']);
    const parsePool = pool({ deadline: DEADLINE, faults: { spinOn: 'a0100-stuck.md' } });
    const { catalog } = await new CatalogScanner(scanConfig(dir), undefined, parsePool).scan();
    expect(rejection(catalog, 'a0100-stuck.md')).toMatch(/^took too long to parse/);
    // The other extra file is a copy of the same article, merged with no harm done.
    expect(catalog.articles).toHaveLength(401);
    expect(catalog.rejected.map((r) => r.file)).toEqual(['a0100-stuck.md']);
  }, 60_000);

  it('ends the worker, and a new one parses what comes next', async () => {
    const dir = await seedsWith(3, ['stuck.md']);
    const parsePool = pool({ deadline: DEADLINE, faults: { spinOn: 'stuck.md' } });
    const scanner = new CatalogScanner(scanConfig(dir), undefined, parsePool);
    await scanner.scan();
    await writeFile(path.join(dir, 'later.md'), article(50));
    const { catalog } = await scanner.scan();
    expect(catalog.articles.map((a) => a.title)).toContain('Article 50');
  }, 30_000);

  it('keeps the thread that serves free meanwhile (its timers run on time)', async () => {
    const dir = await seedsWith(2, ['stuck.md']);
    const parsePool = pool({
      deadline: { baseMs: 1_000, perMbMs: 0 },
      faults: { spinOn: 'stuck.md' },
    });
    let worstLag = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - last - 10);
      last = now;
    }, 10);
    try {
      const { catalog } = await new CatalogScanner(scanConfig(dir), undefined, parsePool).scan();
      expect(rejection(catalog, 'stuck.md')).toMatch(/^took too long to parse: stopped after 1 s/);
    } finally {
      clearInterval(probe);
    }
    expect(worstLag).toBeLessThan(200);
  }, 30_000);
});

describe('a worker that runs out of memory', () => {
  it('rejects the file it was on; the other files of its request are parsed again and the scan goes on', async () => {
    const dir = await seedsWith(10, ['hungry.md']);
    const { catalog } = await new CatalogScanner(
      scanConfig(dir),
      undefined,
      pool({ memoryMb: 192, faults: { exhaustMemoryOn: 'hungry.md' } }),
    ).scan();
    expect(rejection(catalog, 'hungry.md')).toBe(
      'needed too much memory to parse: stopped at the 192 MB a parse may use',
    );
    expect(catalog.articles).toHaveLength(10);
  }, 60_000);
});

describe('the test-only faults', () => {
  it('do nothing in a pool made without them, whatever a file is called', async () => {
    const dir = await seedsWith(2, ['stuck.md', 'hungry.md']);
    const { catalog } = await new CatalogScanner(
      scanConfig(dir),
      undefined,
      pool({ deadline: DEADLINE }),
    ).scan();
    expect(catalog.rejected).toEqual([]);
  }, 30_000);
});

describe('bodies a page needs again', () => {
  it('are parsed in a worker too (ContentStore reload → the pool), with the deadline', async () => {
    const dir = await seedsWith(3, []);
    const parsePool = pool({ deadline: DEADLINE });
    const parseOne = vi.spyOn(parsePool, 'parseOne');
    const scanner = new CatalogScanner(scanConfig(dir), undefined, parsePool);
    const { catalog } = await scanner.scan();
    scanner.retainContent(new Set());
    const target = catalog.articles.find((a) => a.title === 'Article 1')!;
    expect(catalog.content.get(target.bodySource)).toBeUndefined();
    expect(await catalog.content.require(target)).toBe(
      '<p>Body of article number 1, which is its own.</p>',
    );
    expect(parseOne).toHaveBeenCalledTimes(1);
  }, 30_000);

  it('a reload that never finishes ends at its deadline', async () => {
    const dir = await seedsWith(2, []);
    const scanner = new CatalogScanner(scanConfig(dir), undefined, pool({ deadline: DEADLINE }));
    const { catalog } = await scanner.scan();
    scanner.retainContent(new Set());
    const spinning = pool({ deadline: DEADLINE, faults: { spinOn: 'a0000.md' } });
    const stuck = new CatalogScanner(scanConfig(dir), undefined, spinning);
    // The same files through a pool whose worker spins on a0000.md: the scan rejects it…
    const again = await stuck.scan();
    expect(rejection(again.catalog, 'a0000.md')).toMatch(/^took too long to parse/);
    // …and a reload of it through that pool gives up at the deadline as well.
    const file = {
      path: 'a0000.md',
      absPath: path.join(dir, 'a0000.md'),
      size: 100,
      mtimeMs: 0,
      ino: 0,
    };
    const result = await spinning.parseOne(file, 5 << 20);
    expect('reason' in result && result.reason).toMatch(/^took too long to parse/);
    expect(catalog.articles).toHaveLength(2);
  }, 30_000);
});
