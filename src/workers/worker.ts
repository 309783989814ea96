import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { writeFileAtomicSync } from '../export/atomic-sync.js';
import type { Article, Draft, Rejection, SeedFile } from '../model.js';
import type { ParseOptions } from '../parse/index.js';
import { renderArticlePage } from '../render/pages.js';
import { Urls } from '../render/urls.js';
import { readSeedBytesSync } from '../scan/read.js';
import { ByteArena, type ArenaRef } from './byte-arena.js';
import { betweenRequests, startFile, type WorkerFaults, type WorkerSetup } from './progress.js';
import { parseBytes } from '../scan/scanner.js';

/**
 * A parse worker. It reads (synchronously: this thread has nothing else to do) and parses files,
 * and keeps the bodies it parsed, sending back only the metadata. The main thread later asks
 * for the few bodies the feeds need, and has the worker render and write the article pages
 * itself — so 100,000 bodies never cross to, or pile up in, the main thread. A parse request with
 * `keep: false` (a few files, or a body a page needs again) sends the bodies back instead.
 *
 * As it starts each file it says so in the shared progress cells (progress.ts): the pool ends a
 * worker that stays on one file too long.
 */
export type WorkerRequest =
  | {
      readonly type: 'parse';
      readonly id: number;
      readonly files: readonly SeedFile[];
      readonly maxFileBytes: number;
      readonly options: ParseOptions;
      readonly keep: boolean;
    }
  | { readonly type: 'bodies'; readonly id: number; readonly sources: readonly string[] }
  | { readonly type: 'pages'; readonly id: number; readonly settings: PageSettings; readonly outDir: string; readonly pages: readonly PageJob[] }
  | { readonly type: 'forget'; readonly id: number };

export type WorkerResponse =
  | { readonly id: number; readonly results: Array<Draft | Rejection> }
  | { readonly id: number; readonly bodies: Array<[string, string]> }
  | { readonly id: number; readonly written: number }
  | { readonly id: number; readonly error: string };

/** What an article page needs besides the article: the site's look and link settings. */
export interface PageSettings {
  readonly siteTitle: string;
  readonly language: string;
  readonly baseUrl: string;
  readonly slugs: ReadonlyArray<readonly [string, string]>;
}

export interface PageJob {
  readonly file: string;
  readonly article: Article;
}

/** The bodies this worker parsed, by source file, as UTF-8 in an arena (see byte-arena.ts). */
const arena = new ByteArena();
const bodies = new Map<string, ArenaRef>();

const setup = workerData as WorkerSetup | undefined;
const progress = setup ? new Int32Array(setup.progress) : new Int32Array(3);

function parse(id: number, files: readonly SeedFile[], maxFileBytes: number, options: ParseOptions, keep: boolean): Array<Draft | Rejection> {
  const out = files.map((file, index) => {
    startFile(progress, id, index);
    misbehave(file.path, setup?.faults);
    const result = parseBytes(file, readSeedBytesSync(file, maxFileBytes), options);
    if ('reason' in result || !keep) {
      bodies.delete(file.path);
      return result;
    }
    bodies.set(file.path, arena.put(result.contentHtml));
    return { ...result, contentHtml: '' };
  });
  betweenRequests(progress);
  return out;
}

/** The test-only faults (progress.ts): never finishing a file, or allocating until out of memory. */
function misbehave(file: string, faults: WorkerFaults | undefined): void {
  if (!faults) return;
  if (faults.spinOn === file) for (;;);
  if (faults.exhaustMemoryOn === file) {
    const hog: number[][] = [];
    for (;;) hog.push(new Array<number>(1 << 16).fill(hog.length));
  }
}

function writePages(settings: PageSettings, outDir: string, pages: readonly PageJob[]): number {
  const ctx = { siteTitle: settings.siteTitle, language: settings.language, urls: new Urls(settings.baseUrl), slugs: new Map(settings.slugs) };
  const madeDirs = new Set<string>();
  for (const { file, article } of pages) {
    const body = bodies.get(article.bodySource);
    if (body === undefined) throw new Error(`no body held for ${article.bodySource}`);
    writeFileAtomicSync(path.join(outDir, file), renderArticlePage(ctx, article, arena.get(body)), madeDirs);
  }
  return pages.length;
}

function handle(request: WorkerRequest): WorkerResponse {
  switch (request.type) {
    case 'parse':
      return { id: request.id, results: parse(request.id, request.files, request.maxFileBytes, request.options, request.keep) };
    case 'bodies':
      return { id: request.id, bodies: request.sources.flatMap((s) => (bodies.has(s) ? [[s, arena.get(bodies.get(s)!)] as [string, string]] : [])) };
    case 'pages':
      return { id: request.id, written: writePages(request.settings, request.outDir, request.pages) };
    case 'forget':
      bodies.clear();
      arena.clear();
      return { id: request.id, written: 0 };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    parentPort!.postMessage(handle(request));
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: (error as Error).message } satisfies WorkerResponse);
  }
});
