import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeChunkedAtomic } from '../../src/export/chunked-write.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-chunked-'));
  dirs.push(dir);
  return dir;
}

describe('writeChunkedAtomic', () => {
  it.each([
    ['pieces that fill the buffer exactly', ['abcd', 'efgh', 'ijkl'], 4],
    ['pieces that straddle the buffer', ['abc', 'defg', 'h', 'ijklm'], 4],
    ['a piece larger than the buffer', ['ab', 'cdefghijklmnop', 'q'], 4],
    ['multi-byte characters at the edge', ['aé', '山东', '😀x', 'é😀山'], 5],
    ['multi-byte characters in a piece larger than the buffer', ['a', '山东😀é'.repeat(5), 'z'], 4],
    ['nothing', [], 4],
    ['empty pieces', ['', 'a', '', ''], 1],
  ])('writes the pieces as one string would: %s', async (_, pieces, chunkBytes) => {
    const file = path.join(await tempDir(), 'out.txt');
    await writeChunkedAtomic(file, pieces, chunkBytes);
    expect(await readFile(file)).toEqual(Buffer.from(pieces.join('')));
  });

  it('writes many small lines of multi-byte text through a small buffer', async () => {
    // Three-byte characters with one byte left over: a split would cut a character in half.
    const pieces = Array.from({ length: 1000 }, (_, i) => `${'山'.repeat(i % 5)}${i}\n`);
    const file = path.join(await tempDir(), 'lines.txt');
    await writeChunkedAtomic(file, pieces, 16);
    expect(await readFile(file, 'utf8')).toBe(pieces.join(''));
  });

  it('leaves the previous file, and no temporary one, when the pieces fail midway', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'out.txt');
    await writeFile(file, 'before');
    function* failing(): Generator<string> {
      for (let i = 0; i < 100; i++) yield 'x'.repeat(10);
      throw new Error('encoding failed');
    }
    await expect(writeChunkedAtomic(file, failing(), 64)).rejects.toThrow('encoding failed');
    expect(await readFile(file, 'utf8')).toBe('before');
    expect(await readdir(dir)).toEqual(['out.txt']);
  });

  it('leaves no file when there was none and the write fails', async () => {
    const dir = await tempDir();
    function* failing(): Generator<string> {
      yield 'a';
      throw new Error('gone');
    }
    await expect(writeChunkedAtomic(path.join(dir, 'new.txt'), failing(), 4)).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});
