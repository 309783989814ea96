/**
 * write(2) on a regular file may take fewer bytes than it is given (a signal, a quota, a full
 * pipe of a FUSE mount): writeChunkedAtomic must write the rest, not drop it.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof real.open = async (...args) => {
    const handle = await real.open(...args);
    const write = handle.write.bind(handle) as (
      b: Buffer,
      o: number,
      l: number,
    ) => Promise<{ bytesWritten: number; buffer: Buffer }>;
    // At most 3 bytes a call, as a short write would leave it.
    (handle as unknown as { write: typeof write }).write = (b, o, l) => write(b, o, Math.min(l, 3));
    return handle;
  };
  return { ...real, default: { ...real, open }, open };
});

const { writeChunkedAtomic } = await import('../../src/export/chunked-write.js');
const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-short-write-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeChunkedAtomic under short writes', () => {
  it('writes every byte of buffered and oversized pieces', async () => {
    const pieces = ['abcdefg', '山东😀é', 'x'.repeat(40), 'é'];
    const file = path.join(dir, 'out.txt');
    await writeChunkedAtomic(file, pieces, 16);
    expect((await readFile(file)).toString()).toBe(pieces.join(''));
  });
});
