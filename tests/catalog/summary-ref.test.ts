/**
 * Summaries kept as shared words (catalog/summary-ref.ts) read back exactly as parsed, whether
 * their chunk is in memory or in a spool, one at a time or all together; search over them finds
 * what it found over strings.
 */
import { describe, expect, it } from 'vitest';
import { CatalogBuilder } from '../../src/catalog/builder.js';
import { decodeEntry, encodeEntry } from '../../src/catalog/snapshot.js';
import { RACY } from '../../src/scan/scanner.js';
import {
  eachSummary,
  summaryOf,
  summaryWords,
  wordsText,
  type SummaryRef,
} from '../../src/catalog/summary-ref.js';
import { WordArena } from '../../src/catalog/word-arena.js';
import type { Article, Draft } from '../../src/model.js';
import { searchArticles } from '../../src/render/search.js';
import { MemorySpool } from '../support/memory-spool.js';

const TEXTS = [
  '',
  'a',
  'ab',
  '原标题：数字化赋能，转型迈新步 ——聚焦湖南中小企业高质量发展之二…',
  'Emoji 👩‍💻 and a lone surrogate \ud800 kept as they were',
  'x'.repeat(399),
];

function arenaWith(spools: MemorySpool[]): WordArena {
  return new WordArena({
    open: () => {
      const spool = new MemorySpool();
      spools.push(spool);
      return spool;
    },
    chunkWords: 1024,
  });
}

/** Summaries of n articles kept in an arena of small chunks, the filled ones spilled. */
function keptSummaries(texts: readonly string[]) {
  const spools: MemorySpool[] = [];
  const arena = arenaWith(spools);
  const refs: SummaryRef[] = texts.map((text) => {
    const { sketch, sketchAt } = arena.keep(summaryWords(text)!);
    return { summary: sketch as never, summaryAt: sketchAt };
  });
  arena.spillFilled();
  return { refs, spools };
}

describe('summaries as shared words', () => {
  it('read back every code unit, lone surrogates and odd lengths too', () => {
    for (const text of TEXTS) expect(wordsText(summaryWords(text)!)).toBe(text);
  });

  it('read back the same from memory and from the spool, alone or all together', () => {
    const texts = Array.from({ length: 80 }, (_, i) => `${TEXTS[i % TEXTS.length]} #${i}`);
    const { refs, spools } = keptSummaries(texts);
    expect(spools).toHaveLength(1);
    expect(spools[0]!.appends).toBeGreaterThan(2);
    expect(refs.map(summaryOf)).toEqual(texts);

    const seen: string[] = [];
    const before = spools[0]!.reads;
    eachSummary(refs, (i, summary) => (seen[i] = summary));
    expect(seen).toEqual(texts);
    // One read per spilled chunk, not one per summary.
    expect(spools[0]!.reads - before).toBe(spools[0]!.appends);
  });

  it('a string stays a string, and a summary too long for a shared place is not given one', () => {
    expect(summaryOf({ summary: 'plain' })).toBe('plain');
    expect(summaryWords('長'.repeat(20_000))).toBeUndefined();
    const builder = new CatalogBuilder({
      nearDupThreshold: 0,
      wordSpill: { open: () => new MemorySpool() },
    });
    const long = '長'.repeat(20_000);
    const kept = builder.keepBody(draft('long.md', long)) as Draft;
    expect(kept.summary).toBe(long);
    expect(kept.summaryAt).toBeUndefined();
  });

  it('the catalog snapshot holds the text of a summary kept as words', () => {
    const builder = new CatalogBuilder({
      nearDupThreshold: 0,
      wordSpill: { open: () => new MemorySpool() },
    });
    const kept = builder.keepBody(draft('a.md', '摘要 summary')) as Draft;
    expect(kept.summaryAt).toBeTypeOf('number');
    const [, , encoded] = encodeEntry({ stamp: RACY, result: kept });
    expect(encoded).toMatchObject({ summary: '摘要 summary' });
    expect(encoded).not.toHaveProperty('summaryAt');
    const decoded = decodeEntry(
      JSON.parse(JSON.stringify(encodeEntry({ stamp: RACY, result: kept }))),
    );
    expect(summaryOf(decoded!.result as Draft)).toBe('摘要 summary');
  });

  it('a builder without a spool keeps the string', () => {
    const kept = new CatalogBuilder({ nearDupThreshold: 0 }).keepBody(
      draft('a.md', '摘要'),
    ) as Draft;
    expect(kept.summary).toBe('摘要');
  });

  it('the exact copies of a batch share one summary', () => {
    const builder = new CatalogBuilder({
      nearDupThreshold: 0,
      wordSpill: { open: () => new MemorySpool() },
    });
    const a = builder.keepBody(draft('a.md', '同一篇文章', 'h1')) as Draft;
    const b = builder.keepBody(draft('b.md', '同一篇文章', 'h1')) as Draft;
    const c = builder.keepBody(draft('c.md', '另一篇', 'h1')) as Draft;
    expect([a.summary, a.summaryAt]).toEqual([b.summary, b.summaryAt]);
    expect(summaryOf(c)).toBe('另一篇');
    expect(c.summaryAt).not.toBe(a.summaryAt);
  });
});

describe('search over spilled summaries', () => {
  it('finds, counts and orders what it finds over the same summaries as strings', () => {
    const texts = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? `湖南 数字化 story ${i}` : i % 3 === 1 ? `Hunan digital ${i}` : `其他 ${i}`,
    );
    const { refs } = keptSummaries(texts);
    const asStrings = texts.map((summary, i) => article(i, summary));
    const asWords = refs.map((ref, i) => ({ ...article(i, ''), ...ref }));
    for (const query of ['数字化', 'digital', 'story 3', 'hunan 1', 'title 5', 'nothing'])
      for (const max of [100, 3]) {
        const want = searchArticles(asStrings, query, max);
        const got = searchArticles(asWords, query, max);
        expect(got.total).toBe(want.total);
        expect(got.results.map((a) => a.id)).toEqual(want.results.map((a) => a.id));
      }
    expect(searchArticles(asWords, '数字化').total).toBe(20);
  });
});

function draft(source: string, summary: string, contentHash = source): Draft {
  return {
    source,
    title: source,
    categories: [],
    tags: [],
    contentHtml: `<p>${summary}</p>`,
    summary,
    contentHash,
    notes: [],
  };
}

function article(i: number, summary: string): Article {
  return {
    id: `id${i}`,
    guid: `urn:x:${i}`,
    title: `Title ${i}`,
    date: 1_700_000_000_000 - i * 1000,
    updated: 1_700_000_000_000 - i * 1000,
    modified: 0,
    categories: [],
    tags: [],
    summary,
    sources: [`${i}.md`],
    bodySource: `${i}.md`,
    contentHash: `h${i}`,
  };
}
