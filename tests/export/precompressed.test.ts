import { availableParallelism } from 'node:os';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { articleSiblingsSync, compressedSiblings } from '../../src/export/precompressed.js';

/** Counts the engines compressing at once (every gzip and brotliCompress call of the module). */
const engines = vi.hoisted(() => ({ now: 0, most: 0 }));

vi.mock('node:zlib', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:zlib')>();
  type Callback = (error: Error | null, result: Buffer) => void;
  const counted =
    (compress: (body: Uint8Array, options: object, done: Callback) => void) =>
    (body: Uint8Array, options: object, done: Callback) => {
      engines.most = Math.max(engines.most, ++engines.now);
      compress(body, options, (error, result) => {
        // Held a little, as a large document would be: overlapping calls would show.
        setTimeout(() => {
          engines.now--;
          done(error, result);
        }, 5);
      });
    };
  const gzip = counted(actual.gzip as never);
  const brotliCompress = counted(actual.brotliCompress as never);
  return { ...actual, default: { ...actual, gzip, brotliCompress }, gzip, brotliCompress };
});

afterEach(() => {
  engines.now = 0;
  engines.most = 0;
});

const feed = (n: number) =>
  new TextEncoder().encode(`<rss>${`<item>entry ${n} 新闻 </item>`.repeat(200 + n)}</rss>`);

describe('compressed siblings of feeds and pages', () => {
  it('compresses many documents asked for at once with one engine per core at most', async () => {
    const bodies = Array.from({ length: 40 }, (_, n) => feed(n));
    const siblings = await Promise.all(
      bodies.map((body, n) => compressedSiblings(`/out/f${n}.xml`, body, 'other')),
    );
    expect(engines.most).toBeGreaterThan(1);
    expect(engines.most).toBeLessThanOrEqual(Math.max(2, availableParallelism()));
    siblings.forEach((pair, n) => {
      expect(pair.map((s) => s.file)).toEqual([`/out/f${n}.xml.gz`, `/out/f${n}.xml.br`]);
      expect(gunzipSync(pair[0]!.data)).toEqual(Buffer.from(bodies[n]!));
      expect(brotliDecompressSync(pair[1]!.data)).toEqual(Buffer.from(bodies[n]!));
    });
  });

  it('gives an article page a gzip sibling only, and a small document none', async () => {
    const page = await compressedSiblings('/out/a/index.html', feed(1), 'article');
    expect(page.map((s) => s.file)).toEqual(['/out/a/index.html.gz']);
    expect(gunzipSync(page[0]!.data)).toEqual(Buffer.from(feed(1)));
    expect(await compressedSiblings('/out/s.xml', new Uint8Array(100), 'other')).toEqual([]);
  });

  it('compresses a page at gzip 3, the same bytes in a worker as on the main thread', async () => {
    const body = feed(7);
    const [inWorker] = articleSiblingsSync('/out/a/index.html', body);
    const [onMain] = await compressedSiblings('/out/a/index.html', body, 'article');
    expect(Buffer.from(inWorker!.data)).toEqual(gzipSync(body, { level: 3 }));
    expect(Buffer.from(onMain!.data)).toEqual(Buffer.from(inWorker!.data));
    expect(gunzipSync(inWorker!.data)).toEqual(Buffer.from(body));
    // Feeds and lists stay at gzip 6: a few large documents, read by every reader.
    const [gz] = await compressedSiblings('/out/f.xml', body, 'other');
    expect(Buffer.from(gz!.data)).toEqual(gzipSync(body, { level: 6 }));
  });
});
