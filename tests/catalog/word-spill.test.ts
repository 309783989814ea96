/**
 * The near-duplicate sketches a long-lived process keeps go to a spool file once their chunk is
 * full (catalog/word-arena.ts): every kept sketch still reads the same words, a spool that
 * fails keeps them in memory, and a spool mostly of dead chunks is rewritten with the live ones.
 */
import { describe, expect, it } from 'vitest';
import { WordArena } from '../../src/catalog/word-arena.js';
import { sketchOf, type SketchRef } from '../../src/dedupe/sketch-ref.js';
import { collector } from '../../src/workers/heap.js';
import { Spool } from '../../src/workers/spool.js';
import { MemorySpool } from '../support/memory-spool.js';

const CHUNK_WORDS = 64;
/** Sketches of 10 words: six fill a chunk of 64, the seventh starts the next. */
const sketch = (n: number) => Uint32Array.from({ length: 10 }, (_, i) => n * 100 + i);
const words = (ref: SketchRef) => [...sketchOf(ref)!];

function arenaWith(spools: MemorySpool[], slackBytes = 1 << 20): WordArena {
  return new WordArena({
    open: () => {
      const spool = new MemorySpool();
      spools.push(spool);
      return spool;
    },
    chunkWords: CHUNK_WORDS,
    slackBytes,
  });
}

describe('sketches spilled to a spool', () => {
  it('read the same words from the spool, and only filled chunks go there', () => {
    const spools: MemorySpool[] = [];
    const arena = arenaWith(spools);
    const kept = Array.from({ length: 20 }, (_, n) => arena.keep(sketch(n)));
    arena.spillFilled();
    expect(spools).toHaveLength(1);
    // 20 sketches of 10 words: chunks of six, so three filled and the fourth being filled.
    expect(spools[0]!.appends).toBe(3);
    expect(arena.spoolBytes()).toEqual({ total: 3 * CHUNK_WORDS * 4, live: 3 * CHUNK_WORDS * 4 });
    kept.forEach((ref, n) => expect(words(ref)).toEqual([...sketch(n)]));
    // A spilled sketch is a copy: a caller changing it changes nothing kept.
    sketchOf(kept[0]!)!.fill(0);
    expect(words(kept[0]!)).toEqual([...sketch(0)]);

    // More sketches, another spill: only the chunks filled since go, to the same spool.
    const more = Array.from({ length: 12 }, (_, n) => arena.keep(sketch(20 + n)));
    arena.spillFilled();
    expect(spools).toHaveLength(1);
    expect(spools[0]!.appends).toBe(5);
    [...kept, ...more].forEach((ref, n) => expect(words(ref)).toEqual([...sketch(n)]));
  });

  it('stay in memory when the spool cannot be written, and go at the next spill', () => {
    const spools: MemorySpool[] = [];
    const arena = arenaWith(spools);
    const kept = Array.from({ length: 20 }, (_, n) => arena.keep(sketch(n)));
    arena.spillFilled(); // opens the spool
    const more = Array.from({ length: 12 }, (_, n) => arena.keep(sketch(20 + n)));
    spools[0]!.failNext = true;
    expect(() => arena.spillFilled()).toThrow(/ENOSPC/);
    [...kept, ...more].forEach((ref, n) => expect(words(ref)).toEqual([...sketch(n)]));
    arena.spillFilled();
    expect(spools[0]!.appends).toBe(5);
    [...kept, ...more].forEach((ref, n) => expect(words(ref)).toEqual([...sketch(n)]));
  });

  it('are rewritten to a new spool with the live chunks once the dead ones outweigh them', async () => {
    const spools: MemorySpool[] = [];
    const arena = arenaWith(spools, 4 * CHUNK_WORDS * 4);
    let kept: SketchRef[] = Array.from({ length: 60 }, (_, n) => arena.keep(sketch(n)));
    arena.spillFilled();
    expect(arena.spoolBytes().total).toBe(9 * CHUNK_WORDS * 4);
    // Drafts of eight of the nine chunks go (their files edited or deleted): only the WeakRefs
    // the arena keeps point at them, and a full collection takes them.
    const survivors = kept.slice(0, 6);
    kept = [];
    await new Promise((resolve) => setTimeout(resolve, 0));
    collector()();
    const fresh = Array.from({ length: 12 }, (_, n) => arena.keep(sketch(100 + n)));
    arena.spillFilled();
    expect(spools).toHaveLength(2);
    expect(spools[0]!.closed).toBe(true);
    // Eleven chunks spilled, eight dead: the new spool holds the survivors' chunk and the two
    // filled since (that of sketches 54–59, whose drafts went, is collected only later).
    expect(arena.spoolBytes()).toEqual({ total: 3 * CHUNK_WORDS * 4, live: 3 * CHUNK_WORDS * 4 });
    survivors.forEach((ref, n) => expect(words(ref)).toEqual([...sketch(n)]));
    fresh.forEach((ref, n) => expect(words(ref)).toEqual([...sketch(100 + n)]));
    expect(kept).toEqual([]);
  });

  it('keep their words in a real spool file (workers/spool.ts), read back in any order', () => {
    const opened: Spool[] = [];
    const arena = new WordArena({
      open: () => {
        const spool = Spool.open();
        opened.push(spool);
        return spool;
      },
      chunkWords: CHUNK_WORDS,
    });
    const kept = Array.from({ length: 50 }, (_, n) => arena.keep(sketch(n)));
    arena.spillFilled();
    try {
      for (const n of [49, 0, 17, 18, 3, 42, 41, 40])
        expect(words(kept[n]!)).toEqual([...sketch(n)]);
    } finally {
      for (const spool of opened) spool.close();
    }
  });

  it('are never spilled without a spool', () => {
    const arena = new WordArena();
    const kept = Array.from({ length: 20 }, (_, n) => arena.keep(sketch(n)));
    arena.spillFilled();
    expect(arena.spoolBytes()).toEqual({ total: 0, live: 0 });
    kept.forEach((ref, n) => expect(words(ref)).toEqual([...sketch(n)]));
  });
});
