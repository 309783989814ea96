/**
 * What the caller keeps of each parse is taken as that parse arrives, not once the whole batch is
 * done: a first scan's raw drafts (each with its sketch, a block of its own in the allocator) then
 * die young instead of all living until the last file is parsed.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reparseOnThisThread, type Reparse } from '../../src/catalog/draft-file.js';
import type { SeedFile } from '../../src/model.js';
import { ParsePool } from '../../src/workers/pool.js';

const MAX_BYTES = 1 << 20;
const dirs: string[] = [];
const pools: ParsePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function seedFiles(count: number): Promise<SeedFile[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'seedfeed-take-'));
  dirs.push(dir);
  const files: SeedFile[] = [];
  for (let i = 0; i < count; i++) {
    const name = `post-${String(i).padStart(4, '0')}.txt`;
    const absPath = path.join(dir, name);
    await writeFile(
      absPath,
      `Post number ${i}\n\nThe body of post ${i}, with a few words in it.\n`,
    );
    const { size, mtimeMs, ino } = await stat(absPath);
    files.push({ path: name, absPath, size, mtimeMs, ino });
  }
  return files;
}

/** A take that records the order it saw and how far the batch had got, and marks what it keeps. */
function recordingTake(progress: () => number) {
  const seen: Array<{ index: number; title: string | undefined; progress: number }> = [];
  const take = (parsed: Reparse, index: number): Reparse => {
    const { result } = parsed;
    seen.push({
      index,
      title: result && !('reason' in result) ? result.title : undefined,
      progress: progress(),
    });
    return { digest: `taken ${index}` };
  };
  return { seen, take };
}

describe('a batch keeps what `take` makes of each parse, as it arrives', () => {
  it('in the pool: a big batch is taken chunk by chunk, each file once, its result the one taken', async () => {
    const files = await seedFiles(320); // a big batch: every worker, bodies kept
    const pool = new ParsePool({ size: 2 });
    pools.push(pool);
    let done = 0;
    pool.onProgress = (finished) => (done = finished);
    const { seen, take } = recordingTake(() => done);

    const results = await pool.reparseBatch(files, [], MAX_BYTES, {}, take);

    expect(results.map((r) => r.digest)).toEqual(files.map((_, i) => `taken ${i}`));
    expect(seen.map((s) => s.index).sort((a, b) => a - b)).toEqual(files.map((_, i) => i));
    for (const { index, title } of seen) expect(title).toBe(`Post number ${index}`);
    // Taken before the batch's later chunks came back, not all at its end.
    expect(seen[0]!.progress).toBe(0);
    expect(seen.filter((s) => s.progress < files.length).length).toBeGreaterThan(files.length / 2);
  });

  it('in the pool: a small batch (one warm worker, bodies sent back) is taken too', async () => {
    const files = await seedFiles(5);
    const pool = new ParsePool({ size: 2 });
    pools.push(pool);
    const { seen, take } = recordingTake(() => 0);

    const results = await pool.reparseBatch(files, [], MAX_BYTES, {}, take);

    expect(results.map((r) => r.digest)).toEqual(files.map((_, i) => `taken ${i}`));
    expect(seen.map((s) => s.title).sort()).toEqual(files.map((_, i) => `Post number ${i}`));
  });

  it('in the pool: a take that throws fails its batch, and the next batch is parsed', async () => {
    const files = await seedFiles(320);
    const pool = new ParsePool({ size: 2 });
    pools.push(pool);
    const take = (parsed: Reparse, index: number): Reparse => {
      if (index === 100) throw new Error('no room for file 100');
      return parsed;
    };

    await expect(pool.reparseBatch(files, [], MAX_BYTES, {}, take)).rejects.toThrow(
      'no room for file 100',
    );
    const again = await pool.reparseBatch(files.slice(0, 3), [], MAX_BYTES, {});
    expect(again.map((r) => r.result && 'title' in r.result && r.result.title)).toEqual([
      'Post number 0',
      'Post number 1',
      'Post number 2',
    ]);
  });

  it('on this thread: taken in order, one file at a time', async () => {
    const files = await seedFiles(20);
    let parsedSoFar = 0;
    const { seen, take } = recordingTake(() => parsedSoFar++);

    const results = await reparseOnThisThread(files, [], MAX_BYTES, {}, take);

    expect(results.map((r) => r.digest)).toEqual(files.map((_, i) => `taken ${i}`));
    expect(seen.map((s) => s.index)).toEqual(files.map((_, i) => i));
    expect(seen.map((s) => s.progress)).toEqual(files.map((_, i) => i));
  });
});
