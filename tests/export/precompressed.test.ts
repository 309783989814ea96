import { availableParallelism } from 'node:os';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compressedSiblings, exportKey, hasSiblings } from '../../src/export/precompressed.js';
import { Resource } from '../../src/render/resource.js';

/** Counts the engines compressing at once (every gzip and brotliCompress call of the module). */
const engines = vi.hoisted(() => ({ now: 0, most: 0, gzips: 0 }));

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
  const gzipCounted = counted(actual.gzip as never);
  const gzip = (...args: Parameters<typeof gzipCounted>) => {
    engines.gzips++;
    gzipCounted(...args);
  };
  const brotliCompress = counted(actual.brotliCompress as never);
  return { ...actual, default: { ...actual, gzip, brotliCompress }, gzip, brotliCompress };
});

afterEach(() => {
  engines.now = 0;
  engines.most = 0;
  engines.gzips = 0;
});

const feed = (n: number) =>
  new TextEncoder().encode(`<rss>${`<item>entry ${n} 新闻 </item>`.repeat(200 + n)}</rss>`);

describe('compressed siblings of feeds and pages', () => {
  it('compresses many documents asked for at once with one engine per core at most', async () => {
    const bodies = Array.from({ length: 40 }, (_, n) => feed(n));
    const siblings = await Promise.all(
      bodies.map((body, n) => compressedSiblings(`/out/f${n}.xml`, body)),
    );
    expect(engines.most).toBeGreaterThan(1);
    expect(engines.most).toBeLessThanOrEqual(Math.max(2, availableParallelism()));
    siblings.forEach((pair, n) => {
      expect(pair.map((s) => s.file)).toEqual([`/out/f${n}.xml.gz`, `/out/f${n}.xml.br`]);
      expect(gunzipSync(pair[0]!.data)).toEqual(Buffer.from(bodies[n]!));
      expect(brotliDecompressSync(pair[1]!.data)).toEqual(Buffer.from(bodies[n]!));
    });
  });

  it('gives siblings to feeds, lists and archives with precompress only, never to an article page', async () => {
    expect(hasSiblings('other', true)).toBe(true);
    expect(hasSiblings('other', false)).toBe(false);
    expect(hasSiblings('article', true)).toBe(false);
    expect(hasSiblings('article', false)).toBe(false);
    // A document whose siblings come or go has another key: it is written again.
    expect(exportKey('k', true)).not.toBe(exportKey('k', false));
    expect(await compressedSiblings('/out/s.xml', new Uint8Array(100))).toEqual([]);
  });

  it('compresses feeds at gzip 6 and brotli 4', async () => {
    const body = feed(7);
    const [gz, br] = await compressedSiblings('/out/f.xml', body);
    expect(Buffer.from(gz!.data)).toEqual(gzipSync(body, { level: 6 }));
    expect(brotliDecompressSync(br!.data)).toEqual(Buffer.from(body));
  });

  it('writes the gzip variant a reader had started as the sibling: the same bytes, compressed once', async () => {
    const body = feed(9);
    const resource = new Resource('/rss.xml', 'application/rss+xml', body, new Date(0), 'k');
    const served = await resource.variant('gzip');
    expect(engines.gzips).toBe(1);
    const started = resource.startedVariant('gzip', resource.body)!.then((v) => v.body);
    const [gz, br] = await compressedSiblings('/out/rss.xml', resource.body, started);
    expect(engines.gzips).toBe(1);
    expect(gz!.data).toBe(served.body);
    expect(br!.file).toBe('/out/rss.xml.br');
    // Made on its own it is the very same bytes: serve and the export compress at one level.
    const [alone] = await compressedSiblings('/out/rss.xml', body);
    expect(Buffer.from(alone!.data)).toEqual(Buffer.from(served.body));
  });

  it('offers no variant of other bytes, nor one nobody started', async () => {
    const resource = new Resource('/rss.xml', 'application/rss+xml', feed(2), new Date(0), 'k');
    expect(resource.startedVariant('gzip', resource.body)).toBeUndefined();
    void resource.variant('gzip');
    expect(resource.startedVariant('gzip', feed(2))).toBeUndefined(); // equal bytes, other array
    expect(resource.startedVariant('br', resource.body)).toBeUndefined();
    expect(resource.startedVariant('gzip', resource.body)).toBeDefined();
  });
});
