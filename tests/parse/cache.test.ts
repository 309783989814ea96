/**
 * gray-matter caches every input it parses without options in a module-level object that is never
 * emptied. A server rescanning seeds for weeks would keep every version of every file; parseSeed
 * must not feed that cache.
 */
import { describe, expect, it } from 'vitest';
import matter from 'gray-matter';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseSeed } from '../../src/parse/index.js';
import { expectDraft } from '../support/seeds.js';

const cacheOf = () => (matter as unknown as { cache: Record<string, unknown> }).cache;
const input = (i: number) =>
  `---\ntitle: 第${i}篇 湖南数字经济观察\ndate: 2022-01-01 08:00:00 +0800\ncategories: [湖南, 专题${i % 7}]\n---\n正文第 ${i} 段：湘潭市推动中小企业数字化，今年已有${i}家企业完成诊断。\n`;

/** `gc()`, exposed at run time: vitest workers are not started with --expose-gc. */
function getGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('gray-matter cache', () => {
  it('is the cache this test measures: gray-matter without options does fill it', () => {
    const before = Object.keys(cacheOf()).length;
    const text = input(-1);
    matter(text);
    expect(Object.keys(cacheOf())).toHaveLength(before + 1);
    delete cacheOf()[text.replace(/^\uFEFF/, '')];
    expect(Object.keys(cacheOf())).toHaveLength(before);
  });

  it('is the gray-matter instance parseSeed uses (it looks its input up even when it will not store it: the block alone)', () => {
    const m = matter as unknown as { cache: Record<string, unknown> };
    const original = m.cache;
    const looked: string[] = [];
    m.cache = new Proxy(original, {
      get: (target, key, receiver) => {
        if (typeof key === 'string') looked.push(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    try {
      expect(expectDraft(parseSeed('probe.md', input(-2))).title).toBe('第-2篇 湖南数字经济观察');
    } finally {
      m.cache = original;
    }
    const text = input(-2);
    const block = text.slice(0, text.indexOf('\n---', 3) + 4);
    expect(looked).toContain(block);
    // The whole file is not a key to hash: only the front matter goes to gray-matter.
    expect(looked).not.toContain(text);
  });

  it('gets no entries from 20,000 distinct files, and the heap does not grow with them', () => {
    const gc = getGc();
    for (let i = 0; i < 200; i++) parseSeed('warm-up.md', input(-100 - i));
    const keysBefore = Object.keys(cacheOf()).length;
    expect(keysBefore).toBe(0);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    for (let i = 0; i < 20_000; i++) {
      const result = parseSeed(`n${i}.md`, input(i));
      if (i % 2_500 === 0) {
        const d = expectDraft(result);
        expect(d.title).toBe(`第${i}篇 湖南数字经济观察`);
        expect(d.categories).toEqual(['湖南', `专题${i % 7}`]);
      }
    }

    expect(Object.keys(cacheOf())).toHaveLength(keysBefore);
    gc();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    // Caching these inputs costs over 20 MB (measured); not caching them costs well under 1 MB.
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  });
});
