import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Draft, Rejection, SeedFile } from '../model.js';
import type { PageJob, PageSettings, WorkerRequest, WorkerResponse } from './parse-worker.js';
import { parseOnThisThread, type ParseBatch } from './scanner.js';

const CHUNK = 48;
/** Below this many files a pool costs more (worker start-up, copying results) than it saves. */
const MIN_FILES_FOR_WORKERS = 300;

/**
 * The compiled worker; or, when running from TypeScript sources (under vitest or tsx), the .ts
 * worker behind tsx's loader, registered inside the worker (Node 20 ignores --import there).
 */
function spawnParseWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', import.meta.url));
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const worker = new URL('./parse-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`, { eval: true });
}

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void; worker: Worker };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Worker threads — one per core — for the heavy part of a big scan: parsing, and later
 * rendering and writing the article pages of what they parsed. A cold scan of 100,000 files so
 * uses every core, the event loop stays free to answer requests, and the bodies stay in the
 * workers (the main thread asks only for those the feeds show). Small batches, the usual
 * incremental rescan, are parsed on the calling thread.
 */
export class ParsePool {
  private workers: Worker[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Which worker holds the body of which source file. */
  private readonly holders = new Map<string, Worker>();

  /** Called as chunks of a big parse come back (files done, files in the batch). */
  onProgress?: (done: number, total: number) => void;

  constructor(private readonly size = Math.max(1, availableParallelism())) {}

  private start(): Worker[] {
    if (this.workers.length) return this.workers;
    for (let i = 0; i < this.size; i++) {
      const worker = spawnParseWorker();
      worker.on('message', (response: WorkerResponse) => {
        const waiting = this.pending.get(response.id);
        this.pending.delete(response.id);
        if ('error' in response) waiting?.reject(new Error(response.error));
        else waiting?.resolve(response);
      });
      // A dead worker fails its requests (the scan fails as a whole and the last good result
      // stays served); the pool starts fresh workers next time.
      const fail = (error: Error) => {
        for (const [id, waiting] of this.pending) {
          if (waiting.worker !== worker) continue;
          this.pending.delete(id);
          waiting.reject(error);
        }
        for (const [source, holder] of this.holders) if (holder === worker) this.holders.delete(source);
        this.workers = this.workers.filter((w) => w !== worker);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`parse worker exited with code ${code}`)));
      worker.unref();
      this.workers.push(worker);
    }
    return this.workers;
  }

  private send(worker: Worker, request: Request): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage({ ...request, id });
    });
  }

  /** Runs `work` with the workers keeping the process alive; idle workers must not. */
  private async busy<T>(work: () => Promise<T>): Promise<T> {
    for (const w of this.workers) w.ref();
    try {
      return await work();
    } finally {
      for (const w of this.workers) w.unref();
    }
  }

  readonly parseBatch: ParseBatch = async (files, maxFileBytes, options = {}) => {
    for (const file of files) this.holders.delete(file.path);
    if (files.length < MIN_FILES_FOR_WORKERS) return parseOnThisThread(files, maxFileBytes, options);
    const workers = this.start();
    const chunks: SeedFile[][] = [];
    for (let i = 0; i < files.length; i += CHUNK) chunks.push(files.slice(i, i + CHUNK));
    const results: Array<Array<Draft | Rejection>> = new Array(chunks.length);
    let next = 0;
    let parsed = 0;
    // Each worker keeps two chunks in flight so it never waits for the main thread.
    const feed = async (worker: Worker): Promise<void> => {
      while (next < chunks.length) {
        const index = next++;
        const response = await this.send(worker, { type: 'parse', files: chunks[index]!, maxFileBytes, options });
        const chunk = 'results' in response ? response.results : [];
        for (const result of chunk) if (!('reason' in result)) this.holders.set(result.source, worker);
        results[index] = chunk;
        parsed += chunk.length;
        this.onProgress?.(parsed, files.length);
      }
    };
    await this.busy(() => Promise.all(workers.flatMap((w) => [feed(w), feed(w)])));
    return results.flat();
  };

  holds(source: string): boolean {
    return this.holders.has(source);
  }

  /** The bodies the workers hold for these sources. */
  async bodies(sources: readonly string[]): Promise<Map<string, string>> {
    const byWorker = this.group(sources, (s) => s);
    const out = new Map<string, string>();
    await this.busy(() =>
      Promise.all(
        [...byWorker].map(async ([worker, list]) => {
          const response = await this.send(worker, { type: 'bodies', sources: list });
          if ('bodies' in response) for (const [source, html] of response.bodies) out.set(source, html);
        }),
      ),
    );
    return out;
  }

  /** Has the workers render and atomically write the article pages whose bodies they hold. */
  async writePages(settings: PageSettings, outDir: string, pages: readonly PageJob[]): Promise<void> {
    const byWorker = this.group(pages, (p) => p.article.bodySource);
    await this.busy(() =>
      Promise.all(
        [...byWorker].map(async ([worker, jobs]) => {
          for (let i = 0; i < jobs.length; i += 256) await this.send(worker, { type: 'pages', settings, outDir, pages: jobs.slice(i, i + 256) });
        }),
      ),
    );
  }

  /** Drops every body the workers hold (after an export: the main thread kept what it needs). */
  async forget(): Promise<void> {
    this.holders.clear();
    await this.busy(() => Promise.all(this.workers.map((w) => this.send(w, { type: 'forget' }))));
  }

  private group<T>(items: readonly T[], sourceOf: (item: T) => string): Map<Worker, T[]> {
    const byWorker = new Map<Worker, T[]>();
    for (const item of items) {
      const worker = this.holders.get(sourceOf(item));
      if (!worker) continue;
      const list = byWorker.get(worker);
      if (list) list.push(item);
      else byWorker.set(worker, [item]);
    }
    return byWorker;
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    this.holders.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
