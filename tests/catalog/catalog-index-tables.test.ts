import { describe, expect, it } from 'vitest';
import { EMPTY_GUID_MEMORY } from '../../src/catalog/catalog.js';
import { CatalogIndex } from '../../src/catalog/catalog-index.js';
import type { DatedDraft, Draft } from '../../src/model.js';

const dated = (i: number, hash: string): DatedDraft => ({
  draft: {
    source: `${i}.md`,
    title: `T${i}`,
    categories: [],
    tags: [],
    contentHtml: '',
    summary: '',
    contentHash: hash,
    notes: [],
  } as Draft,
  date: 1_000 * i,
  modified: 0,
});

describe('CatalogIndex', () => {
  it('keeps each cluster’s article on the cluster: no table keyed by cluster', async () => {
    const index = new CatalogIndex(0, new WeakMap());
    const drafts = Array.from({ length: 50 }, (_, i) => dated(i, `h${i % 40}`));
    const built = await index.apply([], drafts, EMPTY_GUID_MEMORY);
    expect(built.articles).toHaveLength(40);
    const maps = Object.values(index).filter((v): v is Map<unknown, unknown> => v instanceof Map);
    for (const map of maps) for (const key of map.keys()) expect(typeof key).toBe('string');
    // What the table answered, the clusters answer: an article's own hash is its primary's.
    expect(index.isPrimary('h3')).toBe(true);
    expect(index.isPrimary('nope')).toBe(false);
    const gone = await index.apply(drafts.slice(0, 1), [], EMPTY_GUID_MEMORY);
    // h0 keeps its other copy: its article is made again of that one.
    expect(gone.gone.map((a) => a.sources)).toEqual([['0.md', '40.md']]);
    expect(gone.came.map((a) => a.sources)).toEqual([['40.md']]);
    expect(index.isPrimary('h0')).toBe(true);
  });
});
