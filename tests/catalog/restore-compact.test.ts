/**
 * Parses restored from the catalog snapshot are held as a scan's are: each sketch in the builder's
 * shared chunks, equal category and tag lists and author names as one object, the path as the
 * source. A decoded draft brings copies of its own of each (at 100,000 files a restarted `serve`
 * held 299 MB of heap where a first scan held 266).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { decodeEntry, encodeEntry } from '../../src/catalog/snapshot.js';
import type { Draft } from '../../src/model.js';
import type { CachedResult } from '../../src/scan/scanner.js';

const OPTIONS = { extensions: ['.md'], maxFileBytes: 1 << 20 };
const body = (topic: string) =>
  Array.from({ length: 6 }, (_, i) => `<p>${topic}的第${i + 1}段：田间管理与灌溉安排。</p>`).join(
    '\n',
  );
const post = (title: string, topic: string) =>
  `---\ntitle: ${title}\nauthor: 李明\ncategories: [农业, 新闻]\ntags: [灌溉]\ndate: 2024-01-01\n---\n${body(topic)}\n`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-restore-'));
  await writeFile(path.join(dir, 'a.md'), post('春耕', '春耕'));
  await writeFile(path.join(dir, 'b.md'), post('秋收', '秋收'));
  await writeFile(path.join(dir, 'copy-of-a.md'), post('春耕', '春耕'));
  // Out of the racy window: a restored stamp that matches is trusted, the file not read.
  const old = new Date('2024-03-05T06:07:08Z');
  for (const f of ['a.md', 'b.md', 'copy-of-a.md']) await utimes(path.join(dir, f), old, old);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The scanner's entries written to snapshot lines and read back, as a restart does. */
async function snapshotRoundTrip(): Promise<Map<string, CachedResult>> {
  const first = new CatalogScanner({ seedsDir: dir, ...OPTIONS });
  await first.scan();
  const lines = [...first.entries()].map(([p, e]) => [p, JSON.stringify(encodeEntry(e))] as const);
  return new Map(lines.map(([p, line]) => [p, decodeEntry(JSON.parse(line))!]));
}

describe('a snapshot restored into the catalog scanner', () => {
  it('shares lists, names and sketches between the restored drafts', async () => {
    const decoded = await snapshotRoundTrip();
    const decodedDrafts = [...decoded.values()].map((e) => e.result as Draft);
    // What the decoder alone gives: a list and a sketch buffer of each draft's own.
    expect(decodedDrafts[0]!.categories).not.toBe(decodedDrafts[1]!.categories);
    expect(decodedDrafts.every((d) => d.sketch && d.sketchAt === undefined)).toBe(true);

    const scanner = new CatalogScanner({ seedsDir: dir, ...OPTIONS });
    scanner.restore(decoded);
    const restored = new Map(
      [...scanner.entries()].map(([p, e]) => [path.basename(p), e.result as Draft]),
    );
    const [a, b, copy] = ['a.md', 'b.md', 'copy-of-a.md'].map((f) => restored.get(f)!) as [
      Draft,
      Draft,
      Draft,
    ];
    expect(a.categories).toEqual(['农业', '新闻']);
    expect(b.categories).toBe(a.categories);
    expect(b.tags).toBe(a.tags);
    expect(b.author).toBe(a.author);
    for (const [p, entry] of scanner.entries()) expect((entry.result as Draft).source).toBe(p);
    // In one shared chunk, the exact copy's sketch kept once.
    expect(a.sketchAt).toBeDefined();
    expect(b.sketch).toBe(a.sketch);
    expect(copy.sketchAt).toBe(a.sketchAt);
    expect(b.sketchAt).not.toBe(a.sketchAt);
  });

  it('reads no file and gives the catalog a scan of the files gives', async () => {
    const cold = await new CatalogScanner({ seedsDir: dir, ...OPTIONS }).scan();
    const scanner = new CatalogScanner({ seedsDir: dir, ...OPTIONS });
    scanner.restore(await snapshotRoundTrip());
    const warm = await scanner.scan();
    expect(warm.stats.read).toBe(0);
    const view = (c: typeof cold.catalog) =>
      c.articles.map((x) => [x.guid, x.title, x.categories, x.tags, x.author, x.sources]);
    expect(view(warm.catalog)).toEqual(view(cold.catalog));
  });
});
