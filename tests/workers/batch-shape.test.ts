import { describe, expect, it } from 'vitest';
import { batchShape } from '../../src/workers/batch-shape.js';
import type { SeedFile } from '../../src/model.js';

const files = (n: number, size: number, from = 0): SeedFile[] =>
  Array.from({ length: n }, (_, i) => ({ path: `p/${from + i}.md`, size, mtimeMs: 0, ino: i }));

describe('the shape of a parse batch', () => {
  it('a few small files: one warm worker, small requests, no warm-up', () => {
    expect(batchShape(files(299, 4096))).toEqual({ big: false, chunk: 8 });
  });

  it('300 files: every core, bodies kept, and a small file to warm the next worker with', () => {
    const batch = [...files(1, 200 * 1024), ...files(299, 4096, 1)];
    const shape = batchShape(batch);
    expect(shape).toMatchObject({ big: true, chunk: 48 });
    expect(shape.warmUp).toBe(batch[1]);
  });

  it('a few files of 64 MB in all are big too; with no small file, nothing to warm up with', () => {
    const shape = batchShape(files(2, 32 * 1024 * 1024));
    expect(shape).toEqual({ big: true, chunk: 48, warmUp: undefined });
  });
});
