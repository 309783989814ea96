/**
 * The catalog's share of a one-file change: CatalogBuilder.build after an add, an edit or a
 * delete, at 10,000 and 50,000 drafts made in memory (no disk), against the full rebuild it
 * replaced (tools/bench/full-catalog.ts). Near-duplicate detection on, 10% duplicates.
 *
 *   node --expose-gc --import tsx tools/bench/catalog-delta.ts [sizes…]   (default: 10000 50000)
 *
 * With --expose-gc it also tells the heap the builder keeps after the first build (catalog,
 * memory and, for the delta build, its index), beyond the drafts themselves.
 */
import path from 'node:path';
import { CatalogBuilder } from '../../src/catalog/builder.js';
import type { MergeMemo } from '../../src/catalog/catalog.js';
import { draftFromText } from '../../src/catalog/draft-file.js';
import { emptyMemory } from '../../src/catalog/memory.js';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../../src/dedupe/defaults.js';
import type { Catalog, SeedFile } from '../../src/model.js';
import type { FileResult, Scan, ScannedFile } from '../../src/scan/scanner.js';
import { compareStrings } from '../../src/scan/walk.js';
import { render, rng, sentencesFrom, type Article, type Shape } from './corpus.js';
import { fullCatalogBuild } from './full-catalog.js';

const REPO = path.resolve(import.meta.dirname, '../..');
/** One-file changes timed per build: the full rebuild is slow enough that fewer tell. */
const CHANGES = { full: 9, delta: 60 };

async function makeDrafts(count: number): Promise<Map<string, ScannedFile>> {
  const random = rng(7);
  const sentences = await sentencesFrom(path.join(REPO, 'seeds'));
  const made: { article: Article; shape: Shape }[] = [];
  const files = new Map<string, ScannedFile>();
  for (let i = 0; i < count; i++) {
    let article: Article;
    let shape: Shape;
    if (made.length > 10 && random.next() < 0.1) {
      const original = random.pick(made);
      article = { ...original.article, categories: [random.pick(sentences).slice(0, 2)] };
      shape = original.shape;
    } else {
      article = {
        title: `${random.pick(sentences).slice(0, 16)} ${i}`,
        date: new Date(Date.UTC(2019, 0, 1) + random.int(0, 5 * 365 * 24 * 60) * 60_000),
        offsetMinutes: 480,
        categories: [`c${random.int(0, 40)}`, `c${random.int(0, 40)}`],
        author: `a${random.int(0, 30)}`,
        image: 'https://example.com/i.png',
        paragraphs: Array.from({ length: random.int(4, 10) }, () =>
          Array.from({ length: random.int(1, 3) }, () => random.pick(sentences)).join(''),
        ),
      };
      shape = random.pick(['hexo', 'hexo', 'jekyll', 'plain'] as const);
      made.push({ article, shape });
    }
    addFile(
      files,
      `batch-${Math.floor(i / 1000)}/${String(i).padStart(7, '0')}.md`,
      render(shape, article),
    );
  }
  return files;
}

function addFile(files: Map<string, ScannedFile>, filePath: string, text: string): void {
  const file: SeedFile = {
    path: filePath,
    absPath: filePath,
    size: text.length,
    mtimeMs: 1e12,
    ino: files.size,
  };
  const result: FileResult = draftFromText(filePath, text, { sketch: true });
  files.set(filePath, { file, result });
}

function scanOf(files: Map<string, ScannedFile>): Scan {
  const list = [...files.values()].sort((a, b) => compareStrings(a.file.path, b.file.path));
  return { files: list, refused: [], unchanged: false, changed: 1, removed: 0, held: 0 };
}

/** One change of three kinds in turn: a new file, an edit of an existing one, a delete. */
function change(files: Map<string, ScannedFile>, step: number): void {
  const paths = [...files.keys()];
  const target = paths[(step * 7919) % paths.length]!;
  const text = `|新文章 ${step}\n${'湘江新区今年新增科技企业三百余家，研发投入同比增长两成。'.repeat(3 + step)}`;
  if (step % 3 === 0) addFile(files, `batch-new/${String(step).padStart(5, '0')}.md`, text);
  else if (step % 3 === 1) addFile(files, target, text);
  else files.delete(target);
}

const heapUsed = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return process.memoryUsage().heapUsed;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

async function time(
  build: () => Catalog | Promise<Catalog>,
): Promise<{ ms: number; catalog: Catalog }> {
  const started = performance.now();
  const catalog = await build();
  return { ms: performance.now() - started, catalog };
}

async function measure(size: number) {
  const generated = performance.now();
  const base = await makeDrafts(size);
  const makeMs = performance.now() - generated;
  const results: Record<string, { first: number; changes: number[]; heapMb?: number }> = {};
  for (const kind of ['full', 'delta'] as const) {
    const files = new Map(base);
    const memory = emptyMemory();
    const memo: MergeMemo = new WeakMap();
    const builder = new CatalogBuilder({ nearDupThreshold: DEFAULT_NEAR_DUP_THRESHOLD, memory });
    const build = (scan: Scan) =>
      kind === 'full'
        ? fullCatalogBuild(memory, memo, scan, DEFAULT_NEAR_DUP_THRESHOLD)
        : builder.build(scan);
    const heapBefore = heapUsed();
    const first = (await time(() => build(scanOf(files)))).ms;
    const heapAfter = heapUsed();
    const heapMb = heapBefore === undefined ? undefined : (heapAfter! - heapBefore) / 2 ** 20;
    const changes: number[] = [];
    for (let step = 0; step < CHANGES[kind]; step++) {
      change(files, step);
      const scan = scanOf(files); // the scanner's work, not timed
      changes.push((await time(() => build(scan))).ms);
    }
    results[kind] = { first, changes, heapMb };
  }
  return { size, makeMs, results };
}

const sizes = process.argv.slice(2).map(Number);
console.log(
  '| drafts | build | first build ms | kept heap MB | one-file change ms (median) | p90 |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const size of sizes.length ? sizes : [10_000, 50_000]) {
  const { results } = await measure(size);
  for (const [kind, { first, changes, heapMb }] of Object.entries(results))
    console.log(
      `| ${size} | ${kind} | ${first.toFixed(0)} | ${heapMb?.toFixed(0) ?? '-'} | ${median(changes).toFixed(1)} | ${p90(changes).toFixed(1)} |`,
    );
}
