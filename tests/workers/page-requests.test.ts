/**
 * What goes to a worker with the article pages it writes (workers/body-holders.ts): the articles
 * without their summaries, whose shared words would be cloned whole with each request, and the
 * pages in the order their bodies were stored.
 */
import { describe, expect, it } from 'vitest';
import type { PageJob } from '../../src/export/article-pages.js';
import type { Article, SharedWords } from '../../src/model.js';
import { BodyHolders } from '../../src/workers/body-holders.js';
import type { UnsentRequest } from '../../src/workers/protocol.js';
import type { WorkerSlot } from '../../src/workers/worker-slot.js';

/** A chunk of shared words as the catalog keeps summaries in: 256 KB. */
const chunk: SharedWords & { data: Uint32Array } = {
  data: new Uint32Array(64 * 1024),
  words(offset, length) {
    return this.data.subarray(offset, offset + length);
  },
};

const article = (n: number): Article => ({
  id: `a${n}`,
  guid: `urn:a${n}`,
  title: `Title ${n}`,
  date: 1_700_000_000_000 + n,
  updated: 1_700_000_000_000 + n,
  modified: 1_700_000_000_000,
  categories: ['News'],
  tags: [],
  summary: chunk,
  summaryAt: n * 64,
  sources: [`s${n}.md`],
  bodySource: `s${n}.md`,
  contentHash: `h${n}`,
});

function fakeSlot(sent: UnsentRequest[]) {
  return {
    call: async (request: UnsentRequest) => {
      sent.push(structuredClone(request));
      return { id: 0, written: 0 };
    },
  } as unknown as WorkerSlot<unknown>;
}

describe('page requests to a worker', () => {
  it('carry each article without its summary, and little else', async () => {
    const sent: UnsentRequest[] = [];
    const holders = new BodyHolders<unknown>();
    const slot = fakeSlot(sent);
    const pages: PageJob[] = [];
    for (let n = 0; n < 300; n++) {
      holders.record(`s${n}.md`, slot);
      pages.push({ file: `articles/a${n}/index.html`, article: article(n) });
    }
    await holders.writePages({} as never, '/out', pages);
    expect(sent).toHaveLength(2); // 256 pages a request
    const jobs = sent.flatMap((r) => (r.type === 'pages' ? r.pages : []));
    expect(jobs.map((j) => j.article.id)).toEqual(pages.map((p) => p.article.id));
    expect(jobs.every((j) => j.article.summary === '' && j.article.summaryAt === undefined)).toBe(
      true,
    );
    expect(jobs[7]!.article).toEqual({ ...article(7), summary: '', summaryAt: undefined });
    // The articles given are left as they were.
    expect(pages[0]!.article.summary).toBe(chunk);
    // Without the chunk, a request of 256 pages is a few tens of KB, not 256 KB and more.
    const bytes = JSON.stringify(sent[0]).length;
    expect(bytes).toBeLessThan(100_000);
  });

  it('sorts pages by where their bodies were stored, ties and unknown ones kept in order', () => {
    const holders = new BodyHolders<unknown>();
    const slot = fakeSlot([]);
    for (const n of [3, 1, 2]) holders.record(`s${n}.md`, slot);
    const page = (n: number): PageJob => ({ file: `f${n}`, article: article(n) });
    const sorted = holders.inStoredOrder([page(1), page(9), page(2), page(8), page(3)]);
    expect(sorted.map((p) => p.file)).toEqual(['f3', 'f1', 'f2', 'f9', 'f8']);
  });
});
