import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SeedFile } from '../model.js';
import type { ParseRequest, ParseResponse } from './parse-worker.js';
import { parseOnThisThread, type ParseBatch } from './scanner.js';

const CHUNK = 48;
/** Below this many files a pool costs more (worker start-up, copying results) than it saves. */
const MIN_FILES_FOR_WORKERS = 300;

/**
 * Parses big batches in worker threads — one per core — so a cold scan of 100,000 files uses
 * every core and the event loop stays free to answer requests while it runs. Small batches (the
 * usual incremental rescan) are parsed on this thread.
 */
export class ParsePool {
  private workers: Worker[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: ParseResponse) => void; reject: (e: Error) => void; worker: Worker }>();

  constructor(private readonly size = Math.max(1, availableParallelism())) {}

  private start(): Worker[] {
    if (this.workers.length) return this.workers;
    // Under vitest/tsx the sources are .ts: the worker then needs tsx's loader too.
    const isTs = import.meta.url.endsWith('.ts');
    const url = new URL(isTs ? './parse-worker.ts' : './parse-worker.js', import.meta.url);
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(url, { execArgv: isTs ? ['--import', 'tsx'] : [] });
      worker.on('message', (response: ParseResponse) => {
        const waiting = this.pending.get(response.id);
        this.pending.delete(response.id);
        waiting?.resolve(response);
      });
      // A dead worker fails its batches (the scan fails as a whole and the last good result
      // stays served); the pool starts fresh workers next time.
      const fail = (error: Error) => {
        for (const [id, waiting] of this.pending) {
          if (waiting.worker !== worker) continue;
          this.pending.delete(id);
          waiting.reject(error);
        }
        this.workers = this.workers.filter((w) => w !== worker);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`parse worker exited with code ${code}`)));
      worker.unref();
      this.workers.push(worker);
    }
    return this.workers;
  }

  readonly parseBatch: ParseBatch = async (files, maxFileBytes) => {
    if (files.length < MIN_FILES_FOR_WORKERS) return parseOnThisThread(files, maxFileBytes);
    const workers = this.start();
    const chunks: SeedFile[][] = [];
    for (let i = 0; i < files.length; i += CHUNK) chunks.push(files.slice(i, i + CHUNK));
    const results: Array<ParseResponse['results']> = new Array(chunks.length);
    let next = 0;
    // Each worker keeps two chunks in flight so it never waits for the main thread.
    const feed = async (worker: Worker): Promise<void> => {
      while (next < chunks.length) {
        const index = next++;
        const id = this.nextId++;
        const done = new Promise<ParseResponse>((resolve, reject) => this.pending.set(id, { resolve, reject, worker }));
        worker.postMessage({ id, files: chunks[index]!, maxFileBytes } satisfies ParseRequest);
        results[index] = (await done).results;
      }
    };
    // Idle workers must not keep the process alive; busy ones must.
    for (const w of workers) w.ref();
    try {
      await Promise.all(workers.flatMap((w) => [feed(w), feed(w)]));
    } finally {
      for (const w of workers) w.unref();
    }
    return results.flat();
  };

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
