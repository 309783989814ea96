import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip, gzipSync } from 'node:zlib';
import { GZIP_LEVEL } from '../render/resource.js';
import { MIN_COMPRESS_BYTES } from './response-policy.js';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Engines compressing at once: one per core (two at least). Each zlib or brotli engine's native
 * memory counts as V8 external memory while it lives, and when that grows by tens of MB V8 starts
 * a full GC of the main heap ("external memory pressure"). With two engines for each of the 32
 * documents write-site.ts writes at once, a cold build of 10,000 files ran 42 such mark-compacts
 * while exporting, and compressing its 1,281 feeds and pages cost 8-9 s of CPU where it costs ~4 s
 * two engines at a time (docs/performance.md, "Cold build against Hugo"). More engines than cores
 * would gain nothing: they share the cores.
 */
const ENGINES = Math.max(2, availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function withEngine<T>(work: () => Promise<T>): Promise<T> {
  if (running < ENGINES) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // handed a finished one's place
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/**
 * Precompressed siblings of exported documents (`rss.xml.gz`, `rss.xml.br`) for servers that
 * send them as they are (nginx gzip_static and brotli_static): the same documents serve
 * compresses, those of MIN_COMPRESS_BYTES and more.
 *
 * Levels are chosen for cold-build cost (tools/bench/precompress.ts; figures in docs/deployment.md):
 * - feeds, list pages, OPML and archive pages: gzip 6 (GZIP_LEVEL, serve's too: the same bytes)
 *   and brotli 4. gzip 9 makes the same size (±0.1 point) in ~1.6× the time; gzip 9 + brotli 11
 *   (serve's levels once; brotli 6 now, render/resource.ts) took 58× the CPU on the feeds of a
 *   10,000-file corpus (420 KB each) for brotli output of 5.4% of the feed, not 7.4%.
 *   Brotli 4 beat 5 and came within a point of 7 at a third of its time.
 * - article pages (one per article, 100,000 perhaps): gzip only, written by the parse workers
 *   (with brotli 11, 17 ms a page). A reader asking for br alone gets the page uncompressed, one
 *   asking for gzip and br (every browser and reader) gets gzip. ARTICLE_GZIP_LEVEL says which.
 */
export const SIBLING_SUFFIXES = ['.gz', '.br'] as const;

/**
 * gzip 3 for the article pages' siblings: the pages of the 10,000-file corpus (10 KB each) took
 * 0.79x the CPU of gzip 6 for 1.8% more bytes (49.6% of the page, not 48.7%); gzip 1 took 0.74x
 * for 3.4% more, gzip 4 0.91x for 0.5% (docs/performance.md, "Cold build against Hugo",
 * 2026-12-03). This compression was a fifth of a cold build's CPU, one call per article.
 */
export const ARTICLE_GZIP_LEVEL = 3;

export interface Sibling {
  readonly file: string;
  readonly data: Uint8Array;
}

export type DocumentKind = 'article' | 'other';

/**
 * `startedGzip`: the served resource's gzip variant of these very bytes, if a reader's request
 * has started it (at GZIP_LEVEL: the same bytes this would make), written instead of a second
 * compression.
 */
export async function compressedSiblings(
  file: string,
  body: Uint8Array,
  kind: DocumentKind,
  startedGzip?: Promise<Uint8Array>,
): Promise<Sibling[]> {
  if (body.length < MIN_COMPRESS_BYTES) return [];
  const level = kind === 'article' ? ARTICLE_GZIP_LEVEL : GZIP_LEVEL;
  const gzipped =
    (kind === 'other' ? startedGzip : undefined) ?? withEngine(() => gzipAsync(body, { level }));
  if (kind === 'article') return [{ file: `${file}.gz`, data: await gzipped }];
  const [gz, br] = await Promise.all([
    gzipped,
    withEngine(() =>
      brotliAsync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 4,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    ),
  ]);
  return [
    { file: `${file}.gz`, data: gz },
    { file: `${file}.br`, data: br },
  ];
}

/** The article page's sibling, in a worker thread (where blocking costs nobody anything). */
export function articleSiblingsSync(file: string, body: Uint8Array): Sibling[] {
  if (body.length < MIN_COMPRESS_BYTES) return [];
  return [{ file: `${file}.gz`, data: gzipSync(body, { level: ARTICLE_GZIP_LEVEL }) }];
}

/**
 * The siblings `file` may have had that `written` does not replace: to be removed. An article
 * page never has a .br, so no removal is tried for one (a syscall saved per page written).
 */
export function obsoleteSiblings(
  file: string,
  written: readonly Sibling[],
  kind: DocumentKind,
): string[] {
  const suffixes = kind === 'article' ? ['.gz'] : SIBLING_SUFFIXES;
  return suffixes
    .map((suffix) => `${file}${suffix}`)
    .filter((sibling) => !written.some((w) => w.file === sibling));
}

/** Manifest entries (relative paths) of the siblings of removed documents. */
export function siblingEntries(files: readonly string[]): string[] {
  return files.flatMap((file) => SIBLING_SUFFIXES.map((suffix) => `${file}${suffix}`));
}

/**
 * The manifest key of an exported document: the Site's key and the sibling format. Exports
 * written before siblings existed hold other keys, so their documents are all written once more.
 */
export function exportKey(siteKey: string): string {
  return `${siteKey}+z1`;
}
