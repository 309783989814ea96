/**
 * The bodies a parse worker holds go to a spool file once they pass a memory budget. What is read
 * back must be byte for byte what was stored; the file must be reachable by nobody else and gone
 * after `clear()`; and when it cannot be made or written, the bodies stay in memory, all of them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ByteArena, type ArenaRef } from '../../src/workers/byte-arena.js';
import { Spool } from '../../src/workers/spool.js';
import { openFilesIn } from '../support/open-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'seedfeed-arena-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TEXTS = [
  '<p>plain ascii</p>',
  '',
  '<p>Grüße, café, naïve — “quotes”</p>',
  '<p>日本語のテキスト</p>',
  '<p>emoji 🧪🚀 across surrogate pairs</p>',
  'x'.repeat(300), // larger than a chunk: a chunk of its own
  '\u0000 and \uFFFD',
];

function fill(arena: ByteArena, rounds: number): Array<[ArenaRef, string]> {
  const kept: Array<[ArenaRef, string]> = [];
  for (let i = 0; i < rounds; i++)
    for (const text of TEXTS) {
      const body = `${i}:${text}`;
      kept.push([arena.put(body), body]);
    }
  return kept;
}

describe('a byte arena past its memory budget', () => {
  it('spills filled chunks and reads every body back byte for byte, in order or not', () => {
    const arena = new ByteArena({
      memoryBytes: 256,
      chunkBytes: 128,
      openSpool: () => Spool.open(dir),
    });
    const kept = fill(arena, 40);
    expect(arena.spilled).toBeGreaterThan(10);
    for (const [ref, body] of kept) {
      expect(Buffer.from(arena.bytes(ref)).equals(Buffer.from(body, 'utf8'))).toBe(true);
      expect(arena.get(ref)).toBe(body);
    }
    for (const [ref, body] of [...kept].reverse()) expect(arena.get(ref)).toBe(body);
    for (let i = 0; i < kept.length; i += 7) expect(arena.get(kept[i]![0])).toBe(kept[i]![1]);
  });

  it('keeps its spool where no one else can reach it, and lets go of it on clear()', async () => {
    const arena = new ByteArena({
      memoryBytes: 0,
      chunkBytes: 64,
      openSpool: () => Spool.open(dir),
    });
    const kept = fill(arena, 5);
    expect(arena.spilled).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]); // unlinked, its private directory too
    const open = openFilesIn(dir);
    expect(open).toHaveLength(1);
    const link = open[0]!;
    expect(statSync(link).mode & 0o777).toBe(0o600);
    expect(statSync(link).nlink).toBe(0);

    arena.clear();
    await arena.written(); // a write still running when clear() came keeps the file open until it ends
    expect(openFilesIn(dir)).toEqual([]);
    // Used again after clear(): a new spool, the same bytes.
    const again = fill(arena, 5);
    for (const [ref, body] of again) expect(arena.get(ref)).toBe(body);
    expect(openFilesIn(dir)).toHaveLength(1);
    arena.clear();
    await arena.written();
    expect(openFilesIn(dir)).toEqual([]);
    expect(kept.length).toBe(again.length);
  });

  it('never opens a spool while it is within its budget (a rescan of a few files)', () => {
    let opened = 0;
    const arena = new ByteArena({
      openSpool: () => {
        opened++;
        return Spool.open(dir);
      },
    });
    for (const [ref, body] of fill(arena, 100)) expect(arena.get(ref)).toBe(body);
    expect(opened).toBe(0);
    expect(arena.spilled).toBe(0);
  });
});

describe('a chunk written in the background', () => {
  /** A spool whose background writes end only after `release()`: a disk that has fallen behind. */
  function slowSpool() {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const spool = Spool.open(dir);
    const appendLater = spool.appendLater.bind(spool);
    spool.appendLater = (bytes) => {
      const { at, written } = appendLater(bytes);
      return { at, written: written.then(() => gate) };
    };
    return { spool, release };
  }

  it('is read from memory while it is written, and from the spool after', async () => {
    const slow = slowSpool();
    const arena = new ByteArena({ memoryBytes: 256, chunkBytes: 64, openSpool: () => slow.spool });
    const kept = fill(arena, 12);
    // One chunk went in the background and is still being written; the others that filled
    // meanwhile were written at once.
    const duringWrite = arena.spilled;
    expect(duringWrite).toBeGreaterThan(0);
    for (const [ref, body] of kept) expect(arena.get(ref)).toBe(body);
    slow.release();
    await arena.written();
    expect(arena.spilled).toBe(duringWrite + 1);
    for (const [ref, body] of [...kept].reverse()) expect(arena.get(ref)).toBe(body);
    // Its buffer holds the next chunk now: what it held is read from the spool.
    const more = fill(arena, 12);
    await arena.written();
    for (const [ref, body] of [...kept, ...more]) expect(arena.get(ref)).toBe(body);
  });

  it('lets the arena go on without waiting for the disk', async () => {
    const slow = slowSpool();
    const arena = new ByteArena({ memoryBytes: 0, chunkBytes: 64, openSpool: () => slow.spool });
    const kept = fill(arena, 3); // returns although no background write has ended
    expect(kept.every(([ref, body]) => arena.get(ref) === body)).toBe(true);
    slow.release();
    await arena.written();
  });

  it('that fails keeps its chunk in memory, says so once, and spills nothing more', async () => {
    const failures: Error[] = [];
    const spool = Spool.open(dir);
    spool.appendLater = (bytes) => ({
      at: 0,
      written: Promise.reject(
        Object.assign(new Error(`ENOSPC: no space left on device (${bytes.length} B)`), {
          code: 'ENOSPC',
        }),
      ),
    });
    const arena = new ByteArena({
      memoryBytes: 0,
      chunkBytes: 64,
      openSpool: () => spool,
      spillFailed: (error) => failures.push(error),
    });
    const kept = fill(arena, 1);
    await arena.written();
    const spilled = arena.spilled; // chunks that filled during the write went at once
    const more = fill(arena, 3);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/ENOSPC/);
    expect(arena.spilled).toBe(spilled);
    for (const [ref, body] of [...kept, ...more]) expect(arena.get(ref)).toBe(body);
  });

  it('is not read ahead into by the spool before it is there', () => {
    const spool = Spool.open(dir);
    const first = Buffer.from('a'.repeat(100));
    expect(spool.append(first)).toBe(0);
    const { at } = spool.appendLater(Buffer.from('b'.repeat(100)));
    expect(at).toBe(100);
    // A run of reads in order reads ahead, but not into bytes still being written.
    expect(spool.view(0, 10).toString()).toBe('a'.repeat(10));
    expect(spool.view(10, 90).toString()).toBe('a'.repeat(90));
    return spool.close();
  });
});

describe('a spool that fails', () => {
  it('cannot be made: every body stays in memory, and that is said once', () => {
    const failures: Error[] = [];
    const arena = new ByteArena({
      memoryBytes: 0,
      chunkBytes: 64,
      openSpool: () => Spool.open(path.join(dir, 'missing')),
      spillFailed: (error) => failures.push(error),
    });
    const kept = fill(arena, 20);
    expect(arena.spilled).toBe(0);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/ENOENT/);
    for (const [ref, body] of kept) expect(arena.get(ref)).toBe(body);
  });

  it('cannot be written (a full disk): the chunk it was given stays in memory, the spilled ones stay readable', () => {
    const failures: Error[] = [];
    let writes = 0;
    const arena = new ByteArena({
      memoryBytes: 0,
      chunkBytes: 64,
      openSpool: () => {
        const spool = Spool.open(dir);
        const append = spool.append.bind(spool);
        spool.append = (bytes) => {
          if (++writes > 3)
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          return append(bytes);
        };
        return spool;
      },
      spillFailed: (error) => failures.push(error),
    });
    const kept = fill(arena, 20);
    expect(arena.spilled).toBe(3);
    expect(failures.map((e) => e.message)).toEqual(['ENOSPC: no space left on device']);
    for (const [ref, body] of kept) expect(arena.get(ref)).toBe(body);
  });
});
