import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
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
 * send them as they are (nginx gzip_static and brotli_static), written only with `--precompress`:
 * static hosts and CDNs compress at their edge (and would publish the siblings as files), and the
 * nginx configuration the export carries compresses on the fly what has no sibling.
 *
 * Only feeds, list pages, OPML and archive pages get siblings: a few large documents that every
 * poller fetches again and again. Article pages never do: one per article, 10 KB each, read by
 * people now and then, while their gzip was a fifth of a cold build's CPU and every sibling one
 * more file to write (docs/performance.md, "Cold build against Hugo", 2026-12-04 late).
 *
 * Levels are chosen for cold-build cost (tools/bench/precompress.ts; figures in docs/deployment.md):
 * gzip 6 (GZIP_LEVEL, serve's too: the same bytes) and brotli 4. gzip 9 makes the same size
 * (±0.1 point) in ~1.6× the time; gzip 9 + brotli 11 (serve's levels once; brotli 6 now,
 * render/resource.ts) took 58× the CPU on the feeds of a 10,000-file corpus (420 KB each) for
 * brotli output of 5.4% of the feed, not 7.4%. Brotli 4 beat 5 and came within a point of 7 at a
 * third of its time.
 */
export const SIBLING_SUFFIXES = ['.gz', '.br'] as const;

export interface Sibling {
  readonly file: string;
  readonly data: Uint8Array;
}

export type DocumentKind = 'article' | 'other';

/** Whether a document of `kind` gets siblings in an export with or without --precompress. */
export function hasSiblings(kind: DocumentKind, precompress: boolean): boolean {
  return precompress && kind === 'other';
}

/**
 * `startedGzip`: the served resource's gzip variant of these very bytes, if a reader's request
 * has started it (at GZIP_LEVEL: the same bytes this would make), written instead of a second
 * compression.
 */
export async function compressedSiblings(
  file: string,
  body: Uint8Array,
  startedGzip?: Promise<Uint8Array>,
): Promise<Sibling[]> {
  if (body.length < MIN_COMPRESS_BYTES) return [];
  const [gz, br] = await Promise.all([
    startedGzip ?? withEngine(() => gzipAsync(body, { level: GZIP_LEVEL })),
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

/**
 * The siblings `file` may have had that `written` does not replace: to be removed. An article
 * page never had a .br (only a .gz, until 2026-12-04), so no removal of one is tried.
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
 * The manifest key of an exported document: the Site's key and whether it has siblings (`+z1`)
 * or not (`+z0`). A document written with other siblings than it should now have (before
 * siblings existed, with --precompress turned on or off, an article page with the .gz every page
 * had until 2026-12-04) holds another key, so it is written once more, and what it no longer has
 * removed.
 */
export function exportKey(siteKey: string, siblings: boolean): string {
  return `${siteKey}+z${siblings ? 1 : 0}`;
}
