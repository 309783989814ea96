/**
 * Drafts that come back from parse workers each bring their own copies of their names. The
 * builder keeps one string per name and one array per short list, shared by every draft.
 */
import { describe, expect, it } from 'vitest';
import { CatalogBuilder } from '../../src/catalog/builder.js';
import { mergeCopies } from '../../src/catalog/catalog.js';
import { WordArena } from '../../src/catalog/word-arena.js';
import { MAX_SHARED_LENGTH, sketchOf } from '../../src/dedupe/sketch-ref.js';
import type { Draft } from '../../src/model.js';

function draft(source: string, categories: string[], tags: string[], author?: string): Draft {
  return {
    source,
    title: source,
    categories,
    tags,
    ...(author === undefined ? {} : { author }),
    contentHtml: `<p>${source}</p>`,
    summary: source,
    contentHash: source.padEnd(64, '0'),
    notes: [],
  };
}

// Copies, as structured clone makes them (a string's identity cannot be seen from JS; an array's can).
const copy = (s: string) => [...s].join('');

describe('the drafts a builder keeps', () => {
  it('share their names and short lists, and are otherwise the draft as parsed', () => {
    const builder = new CatalogBuilder({ nearDupThreshold: 0 });
    const a = draft('a.md', [copy('科技'), copy('News')], [copy('rust')], copy('Ann'));
    const b = draft('b.md', [copy('科技'), copy('News')], [copy('rust')], copy('Ann'));
    const c = draft('c.md', [copy('News'), copy('科技'), copy('x')], [], undefined);
    const keep = (d: Draft) => builder.keepBody(d) as Draft;
    const [ka, kb, kc] = [keep(a), keep(b), keep(c)];

    expect(ka.categories).toBe(kb.categories);
    expect(ka.tags).toBe(kb.tags);
    expect(ka.notes).toBe(kb.notes);
    expect(kc.tags).toBe(ka.notes); // every empty list is one array

    for (const [kept, parsed] of [
      [ka, a],
      [kb, b],
      [kc, c],
    ] as const) {
      // Without a spool the summary stays the string it was (summary-ref.test.ts: with one).
      expect(kept).toEqual({ ...parsed, contentHtml: '', summaryAt: undefined });
      expect(builder.content.get(parsed.source)).toBe(parsed.contentHtml);
    }
    expect(kc.author).toBeUndefined();
    // One shape for every kept draft, whatever fields it lacks: all of them in the object itself.
    expect(Object.keys(kc)).toEqual(Object.keys(ka));
  });
});

describe('the sketches a builder keeps', () => {
  it('are side by side in one shared buffer, each draft with where its words are in it', () => {
    const builder = new CatalogBuilder({ nearDupThreshold: 0.7 });
    const sketched = (source: string, words: number[]): Draft => ({
      ...draft(source, [], []),
      sketch: Uint32Array.from(words),
    });
    const a = sketched('a.md', [1, 2, 3]);
    const b = sketched('b.md', [4, 5]);
    const [ka, kb] = [a, b].map((d) => builder.keepBody(d) as Draft);
    // No view object per sketch: the drafts hold the chunk itself and a small integer.
    expect(ka!.sketch).toBe(kb!.sketch);
    expect(typeof ka!.sketchAt).toBe('number');
    expect([...sketchOf(ka!)!]).toEqual([1, 2, 3]);
    expect([...sketchOf(kb!)!]).toEqual([4, 5]);
    expect(sketchOf(ka!)!.buffer).not.toBe(sketchOf(a)!.buffer);
    // A kept draft kept again (or read through sketchOf anywhere) gives the same words.
    expect([...sketchOf(builder.keepBody(kb!) as Draft)!]).toEqual([4, 5]);
  });

  it('are kept once for exact copies with the same words', () => {
    const builder = new CatalogBuilder({ nearDupThreshold: 0.7 });
    const sketched = (source: string, hash: string, words: number[]): Draft => ({
      ...draft(source, [], []),
      contentHash: hash.padEnd(64, '0'),
      sketch: Uint32Array.from(words),
    });
    const keep = (d: Draft) => builder.keepBody(d) as Draft;
    const a = keep(sketched('a.md', 'x', [1, 2, 3]));
    const copy = keep(sketched('copy.md', 'x', [1, 2, 3]));
    // The same hash with paragraphs broken elsewhere: other words, kept apart.
    const rewrapped = keep(sketched('rewrapped.md', 'x', [1, 2, 4]));
    const other = keep(sketched('other.md', 'y', [1, 2, 3]));
    expect([copy.sketch, copy.sketchAt]).toEqual([a.sketch, a.sketchAt]);
    expect(rewrapped.sketchAt).not.toBe(a.sketchAt);
    expect(other.sketchAt).not.toBe(a.sketchAt);
    expect([a, copy, rewrapped, other].map((d) => [...sketchOf(d)!])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 4],
      [1, 2, 3],
    ]);
  });

  it('forget the batch’s content hashes when told (the builder does at each build)', () => {
    const arena = new WordArena();
    const first = arena.keep(Uint32Array.from([1, 2, 3]), 'x');
    expect(arena.keep(Uint32Array.from([1, 2, 3]), 'x')).toBe(first);
    arena.forgetCopies();
    expect(arena.keep(Uint32Array.from([1, 2, 3]), 'x').sketchAt).not.toBe(first.sketchAt);
  });

  it('shares chunks larger than glibc’s mmap threshold (128 KB), so none lives in its arena', () => {
    const arena = new WordArena();
    const kept = arena.keep(Uint32Array.from([1, 2, 3]));
    expect(sketchOf(kept)!.buffer.byteLength).toBeGreaterThan(128 * 1024);
    expect(arena.keep(Uint32Array.from([4, 5])).sketch).toBe(kept.sketch);
  });

  it('keeps a sketch too long for a chunk as it is', () => {
    const builder = new CatalogBuilder({ nearDupThreshold: 0.7 });
    const long = {
      ...draft('long.md', [], []),
      sketch: new Uint32Array(MAX_SHARED_LENGTH + 1).fill(7),
    };
    const kept = builder.keepBody(long) as Draft;
    expect(kept.sketch).toBe(long.sketch);
    expect(kept.sketchAt).toBeUndefined();
    expect(sketchOf(kept)).toBe(long.sketch);
  });
});

describe('the lists of an article', () => {
  const dated = (d: Draft) => ({ draft: d, date: 0, modified: 0 });

  it('of one copy are its draft’s own (still shared), unless a name repeats', () => {
    const builder = new CatalogBuilder({ nearDupThreshold: 0 });
    const kept = builder.keepBody(draft('a.md', ['科技', 'News'], ['rust'])) as Draft;
    const article = mergeCopies([dated(kept)], 'urn:x');
    expect(article.categories).toBe(kept.categories);
    expect(article.tags).toBe(kept.tags);

    const repeated = mergeCopies([dated(draft('b.md', ['x', 'x'], []))], 'urn:y');
    expect(repeated.categories).toEqual(['x']);
  });

  it('of several copies are the union, in order', () => {
    const article = mergeCopies(
      [dated(draft('a.md', ['x', 'y'], ['t'])), dated(draft('b.md', ['y', 'z'], ['t']))],
      'urn:x',
    );
    expect(article.categories).toEqual(['x', 'y', 'z']);
    expect(article.tags).toEqual(['t']);
  });
});
