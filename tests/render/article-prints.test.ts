import { describe, expect, it } from 'vitest';
import { ArticlePrints, FingerprintMemo } from '../../src/render/fingerprint.js';
import type { Article } from '../../src/model.js';

const article = (i: number, categories: readonly string[]): Article => ({
  id: `id${i}`,
  guid: `urn:x:${i}`,
  title: `Title ${i}`,
  date: 1_700_000_000_000 + i,
  updated: 1_700_000_000_000 + i,
  modified: 0,
  categories,
  tags: [],
  summary: `Summary ${i}`,
  sources: [`${i}.md`],
  bodySource: `${i}.md`,
  contentHash: `hash${i}`,
});

/** Entries of every Map the object holds directly, but those it was given. */
const ownEntries = (o: object, given: readonly unknown[]) =>
  Object.values(o).reduce(
    (n: number, v) => n + (v instanceof Map && !given.includes(v) ? v.size : 0),
    0,
  );

describe('ArticlePrints', () => {
  const news = ['news'];
  const none: string[] = []; // lists shared between articles, as catalog/shared-names.ts makes them
  const articles = Array.from({ length: 200 }, (_, i) => article(i, i % 2 ? news : none));
  const byId = new Map(articles.map((a) => [a.id, a]));

  it('gives each article the same print however Sites of one memo interleave', () => {
    const memo = new FingerprintMemo();
    const first = new ArticlePrints(byId, new Map([['news', 'news']]), 's1', memo);
    const before = articles.map((a) => first.print(a.id));
    // A later Site of the chain, where the category's slug changed, restamps the articles.
    const second = new ArticlePrints(byId, new Map([['news', 'news-2']]), 's1', memo);
    const after = articles.map((a) => second.print(a.id));
    expect(after.filter((p, i) => p !== before[i])).toHaveLength(100);
    expect(articles.map((a) => first.print(a.id))).toEqual(before);
    expect(first.print('nope')).toBeUndefined();
    expect(first.printsOf(['id1', 'id2'])).toBe(`${before[1]},${before[2]}`);
  });

  it('keeps no table of one entry per article: the memo’s stamps hold the prints', () => {
    const slugs = new Map([['news', 'news']]);
    const prints = new ArticlePrints(byId, slugs, 's', new FingerprintMemo());
    for (const a of articles) prints.print(a.id);
    expect(ownEntries(prints, [byId, slugs])).toBeLessThan(10);
  });
});
