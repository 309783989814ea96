/**
 * A big batch's files are read into the page cache by a thread of their own just as they are sent
 * to the parse workers, so that on a cold cache a worker does not wait on the disk for each file.
 * The reader reads one byte of regular files only, follows no link, never waits on a FIFO, and
 * ends with the batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateCorpus } from '../../tools/bench/corpus.js';
import type { SeedFile } from '../../src/model.js';
import { walkSeeds } from '../../src/scan/walk.js';
import { ParsePool } from '../../src/workers/pool.js';
import { ReadAhead } from '../../src/workers/read-ahead.js';
import { SAMPLES } from '../support/site.js';

let temp: string;
let files: SeedFile[];

beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-read-ahead-'));
  await generateCorpus({
    dir: path.join(temp, 'corpus'),
    files: 320,
    samplesDir: SAMPLES,
    seed: 5,
  });
  files = [...(await walkSeeds(path.join(temp, 'corpus'), { extensions: ['.md', '.txt'] })).files];
}, 60_000);

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

const seed = (absPath: string): SeedFile =>
  ({ path: path.basename(absPath), absPath, size: 1, mtimeMs: 0 }) as SeedFile;

describe('reading ahead of the parse workers', () => {
  it('reads a byte of regular files only: no link followed, no FIFO waited on', async () => {
    const dir = path.join(temp, 'odd');
    await mkdir(dir);
    await writeFile(path.join(dir, 'a.md'), '# a\n\ntext');
    await writeFile(path.join(dir, 'empty.md'), '');
    await symlink(path.join(dir, 'a.md'), path.join(dir, 'link.md'));
    await mkdir(path.join(dir, 'dir.md'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.md')]);
    const reader = new ReadAhead();
    const reads: number[] = [];
    const answered = new Promise<void>((resolve) => {
      reader.onRead = (n) => {
        reads.push(n);
        if (reads.length === 2) resolve();
      };
    });
    try {
      const names = ['fifo.md', 'link.md', 'dir.md', 'missing.md', 'empty.md', 'a.md'];
      reader.files(names.map((name) => seed(path.join(dir, name))));
      reader.files([seed(path.join(dir, 'a.md'))]);
      await answered;
      // Only a.md has a byte to read; the FIFO held nothing up: the second list was answered.
      expect(reads).toEqual([1, 1]);
    } finally {
      reader.end();
    }
  });

  it('is asked for the files of a big batch as they are sent, never for a small one, and ends with the batch', async () => {
    const asked: string[] = [];
    let ended = 0;
    const pool = new ParsePool({
      size: 2,
      readAhead: { files: (f) => asked.push(...f.map((x) => x.path)), end: () => ended++ },
    });
    try {
      await pool.parseBatch(files.slice(0, 5), 5 << 20);
      expect(asked).toEqual([]);
      await pool.parseBatch(files, 5 << 20);
      expect(asked.sort()).toEqual(files.map((f) => f.path).sort());
      expect(ended).toBe(0);
      await pool.release();
      expect(ended).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('reads every file of a real big batch, whose parse is unchanged', async () => {
    const reader = new ReadAhead();
    let read = 0;
    reader.onRead = (n) => (read += n);
    const pool = new ParsePool({ size: 2, readAhead: reader });
    const plain = new ParsePool({
      size: 2,
      readAhead: { files: () => undefined, end: () => undefined },
    });
    try {
      const [ahead, without] = [
        await pool.parseBatch(files, 5 << 20),
        await plain.parseBatch(files, 5 << 20),
      ];
      expect(ahead).toEqual(without);
      await expect.poll(() => read, { timeout: 10_000 }).toBe(files.length);
    } finally {
      await pool.close();
      await plain.close();
    }
  }, 60_000);
});
