/**
 * The content store keeps the bodies the feeds show (requireMany) and no other: a body read for
 * one page is handed out, not kept. Kept, every page asked for (a crawler's walk, a restart that
 * writes the whole export again) held its body until the next scan: at 100,000 files a restart
 * whose base URL had changed grew the heap to 1 GB.
 */
import { describe, expect, it } from 'vitest';
import { ContentStore } from '../../src/catalog/content.js';
import type { Draft } from '../../src/model.js';

const article = (n: number) => ({
  bodySource: `/seeds/${n}.md`,
  contentHash: `hash-${n}`,
  summary: `Summary ${n} & more`,
});

function storeOverFiles(files: Map<string, { html: string; hash: string }>) {
  const reads: string[] = [];
  const store = new ContentStore(async (source) => {
    reads.push(source);
    const file = files.get(source);
    return file && ({ source, contentHtml: file.html, contentHash: file.hash } as Draft);
  });
  return { store, reads };
}

describe('ContentStore', () => {
  it('hands out a body read for a page without keeping it', async () => {
    const files = new Map([[article(1).bodySource, { html: '<p>one</p>', hash: 'hash-1' }]]);
    const { store, reads } = storeOverFiles(files);
    expect(await store.require(article(1))).toBe('<p>one</p>');
    expect(await store.require(article(1))).toBe('<p>one</p>');
    expect(store.size).toBe(0);
    expect(reads).toEqual([article(1).bodySource, article(1).bodySource]);
  });

  it('keeps the bodies brought in for the feeds, and reads them no more', async () => {
    const files = new Map([
      [article(1).bodySource, { html: '<p>one</p>', hash: 'hash-1' }],
      [article(2).bodySource, { html: '<p>two</p>', hash: 'hash-2' }],
    ]);
    const { store, reads } = storeOverFiles(files);
    await store.requireMany([article(1), article(2)]);
    expect(store.size).toBe(2);
    expect(await store.require(article(2))).toBe('<p>two</p>');
    expect(reads).toHaveLength(2);
    store.retain(new Set([article(1).bodySource]));
    expect(store.get(article(1).bodySource)).toBe('<p>one</p>');
    expect(store.get(article(2).bodySource)).toBeUndefined();
  });

  it('never keeps the summary stand-in for a file that changed since its scan', async () => {
    const files = new Map([[article(1).bodySource, { html: '<p>edited</p>', hash: 'other' }]]);
    const { store } = storeOverFiles(files);
    await store.requireMany([article(1), article(3)]);
    expect(store.size).toBe(0);
    expect(await store.require(article(1))).toBe('<p>Summary 1 &#38; more</p>');
    files.set(article(1).bodySource, { html: '<p>one</p>', hash: 'hash-1' });
    expect(await store.require(article(1))).toBe('<p>one</p>');
  });
});
