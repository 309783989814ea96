import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Draft, Rejection, SeedFile } from '../model.js';
import type { ParseOptions } from '../parse/index.js';
import { formatBytes } from '../scan/read.js';
import type { PageJob, PageSettings, WorkerRequest, WorkerResponse } from './worker.js';
import { FILE, newProgress, REQUEST, STARTED, type WorkerFaults, type WorkerSetup } from './progress.js';
import type { ParseBatch } from '../scan/scanner.js';

type ParseResult = Draft | Rejection;

/** Files per request in a big batch: few messages, and a chunk to re-send is small when a worker ends. */
const CHUNK = 48;
const SMALL_CHUNK = 8;
/**
 * From this many files a batch is parsed by one worker per core, which keep the bodies (the main
 * thread asks for those the feeds need). Below it, one warm worker parses and sends the bodies
 * back, so that a one-file rescan costs a message, not a worker's start-up.
 */
const BIG_BATCH = 300;
/** …or from this many bytes: a few large files are worth every core, and their bodies stay out of the main thread. */
const BIG_BATCH_BYTES = 64 * 1024 * 1024;
/** A request whose worker ended before it started any file is sent again at most this often. */
const MAX_TRIES = 3;

/**
 * The longest one file may take to parse: DEADLINE_BASE_MS, plus DEADLINE_PER_MB_MS for each MB.
 * Measured on 2 shared cores, 5 MB legitimate articles: Markdown tables or nested lists 9–12 s
 * alone and 16–19 s while other work ran, crawled HTML 1–5 s; 100 KB parses in well under 1 s. The
 * defaults leave a machine three times slower room for the largest legitimate file (60 s at 5 MB),
 * and end a small file that spins after about 10 s.
 */
export const DEADLINE_BASE_MS = 10_000;
export const DEADLINE_PER_MB_MS = 10_000;
/**
 * Heap (V8 old generation) of each parse worker, in MB. The largest legitimate files need most: a
 * 5 MB Markdown table or nested list failed at 512 MB and parsed at 768 MB; a list nested 1,000
 * levels deep needed 457 MB (it needs little now). Twice the largest need measured.
 */
export const WORKER_MEMORY_MB = 1536;

export interface PoolOptions {
  /** Workers for a big batch; one per core by default. */
  readonly size?: number;
  /** Deadline of a file: base + per MB of its size (see DEADLINE_BASE_MS). */
  readonly deadline?: { readonly baseMs: number; readonly perMbMs: number };
  /** Heap limit of each worker in MB (WORKER_MEMORY_MB). */
  readonly memoryMb?: number;
  /** Test-only misbehaviour of the workers (progress.ts); never set from configuration. */
  readonly faults?: WorkerFaults;
}

/**
 * The compiled worker; or, when running from TypeScript sources (under vitest or tsx), the .ts
 * worker behind tsx's loader, registered inside the worker (Node 20 ignores --import there).
 */
function spawnParseWorker(setup: WorkerSetup, resourceLimits: ResourceLimits): Worker {
  const options = { workerData: setup, resourceLimits };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), options);
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`, { ...options, eval: true });
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A batch being parsed: its results by position, filled as chunks come back. */
interface Job {
  readonly results: Array<ParseResult | undefined>;
  left: number;
  readonly keep: boolean;
  readonly maxFileBytes: number;
  readonly options: ParseOptions;
  readonly resolve: (results: ParseResult[]) => void;
  readonly reject: (error: Error) => void;
  readonly progress?: (done: number, total: number) => void;
  settled: boolean;
}

/** Some files of a job, sent as one request. */
interface Task {
  readonly job: Job;
  readonly files: readonly SeedFile[];
  /** Position of each file in the job's results. */
  readonly at: readonly number[];
  readonly tries: number;
}

type InFlight = { readonly kind: 'parse'; readonly task: Task } | { readonly kind: 'other'; readonly resolve: (r: WorkerResponse) => void; readonly reject: (e: Error) => void };

interface Slot {
  readonly worker: Worker;
  readonly progress: Int32Array;
  /** Requests sent and not answered, in the order the worker takes them. */
  readonly inflight: Map<number, InFlight>;
  dead: boolean;
  /** The watchdog's view: the STARTED count last seen, and since when it has stood still. */
  seen: number;
  since: number;
}

/** Why a worker ended, and what its file is told. */
type Ending = { readonly kind: 'deadline'; readonly limitMs: number } | { readonly kind: 'memory' } | { readonly kind: 'crash'; readonly message: string };

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Worker threads that parse seed files, so that no parse runs on the thread that answers
 * requests, and every file has a deadline and a memory bound: a worker stuck on one file is
 * ended (a watchdog reads which file it is on from shared memory) and a worker that runs out of
 * memory dies alone; either way that file is rejected, the other files of its request are sent
 * again, and the scan goes on.
 *
 * A big batch (a cold scan) uses one worker per core, which keep the bodies they parsed and later
 * render and write the article pages themselves; after the export (`release`) they end, handing
 * their heaps back, and one fresh worker stays for the small rescans that follow. Small batches
 * and bodies a page needs again (`parseOne`) go to that worker and come back whole.
 */
export class ParsePool {
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 0;
  /** Workers a batch may use now: one, or one per core during and after a big batch. */
  private wanted = 1;
  private bigSinceRelease = false;
  private watchdog: NodeJS.Timeout | undefined;
  /** Which worker holds the body of which source file. */
  private readonly holders = new Map<string, Slot>();
  private readonly size: number;
  private readonly deadline: { readonly baseMs: number; readonly perMbMs: number };
  private readonly memoryMb: number;
  private readonly faults: WorkerFaults | undefined;

  /** Called as chunks of a big parse come back (files done, files in the batch). */
  onProgress?: (done: number, total: number) => void;

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.deadline = options.deadline ?? { baseMs: DEADLINE_BASE_MS, perMbMs: DEADLINE_PER_MB_MS };
    this.memoryMb = options.memoryMb ?? WORKER_MEMORY_MB;
    this.faults = options.faults;
  }

  /** The deadline of a file of `bytes`. */
  deadlineFor(bytes: number): number {
    return this.deadline.baseMs + (this.deadline.perMbMs * bytes) / (1024 * 1024);
  }

  readonly parseBatch: ParseBatch = (files, maxFileBytes, options = {}) => {
    for (const file of files) this.holders.delete(file.path);
    const big = files.length >= BIG_BATCH || files.reduce((sum, file) => sum + file.size, 0) >= BIG_BATCH_BYTES;
    if (big) {
      this.wanted = this.size;
      this.bigSinceRelease = true;
    }
    return this.run(files, maxFileBytes, options, { keep: big, chunk: big ? CHUNK : SMALL_CHUNK, progress: big ? this.onProgress : undefined });
  };

  /** One file parsed again with its body (a page needs a body no longer in memory). */
  async parseOne(file: SeedFile, maxFileBytes: number): Promise<ParseResult> {
    const [result] = await this.run([file], maxFileBytes, {}, { keep: false, chunk: 1, first: true });
    return result!;
  }

  private run(
    files: readonly SeedFile[],
    maxFileBytes: number,
    options: ParseOptions,
    how: { keep: boolean; chunk: number; progress?: (done: number, total: number) => void; first?: boolean },
  ): Promise<ParseResult[]> {
    if (files.length === 0) return Promise.resolve([]);
    return new Promise<ParseResult[]>((resolve, reject) => {
      const job: Job = { results: new Array(files.length), left: files.length, keep: how.keep, maxFileBytes, options, resolve, reject, progress: how.progress, settled: false };
      const tasks: Task[] = [];
      for (let i = 0; i < files.length; i += how.chunk) {
        const at = Array.from({ length: Math.min(how.chunk, files.length - i) }, (_, k) => i + k);
        tasks.push({ job, files: at.map((k) => files[k]!), at, tries: 0 });
      }
      // A page waiting for a body goes before the rest of a scan.
      this.queue = how.first ? [...tasks, ...this.queue] : [...this.queue, ...tasks];
      this.pump();
    });
  }

  /** Sends queued tasks to workers with room (two requests each, so none waits for the main thread). */
  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.roomy();
      if (!slot) break;
      const task = this.queue.shift()!;
      if (task.job.settled) continue;
      const { job } = task;
      this.send(slot, { type: 'parse', files: task.files, maxFileBytes: job.maxFileBytes, options: job.options, keep: job.keep }, { kind: 'parse', task });
    }
    this.watch();
  }

  private roomy(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      const load = parsing(slot);
      if (load < 2 && (!best || load < parsing(best))) best = slot;
    }
    if (best && parsing(best) === 0) return best;
    if (this.slots.length < this.wanted) return this.spawn();
    return best;
  }

  private spawn(): Slot {
    const progress = newProgress();
    const worker = spawnParseWorker({ progress: progress.buffer as SharedArrayBuffer, faults: this.faults }, { maxOldGenerationSizeMb: this.memoryMb });
    const slot: Slot = { worker, progress, inflight: new Map(), dead: false, seen: 0, since: performance.now() };
    worker.on('message', (response: WorkerResponse) => this.answered(slot, response));
    worker.on('error', (error: Error & { code?: string }) =>
      this.ended(slot, error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'memory' } : { kind: 'crash', message: error.message }),
    );
    worker.on('exit', (code) => this.ended(slot, { kind: 'crash', message: `exited with code ${code}` }));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private send(slot: Slot, request: Request, entry: InFlight): number {
    const id = (this.nextId = (this.nextId + 1) | 0);
    if (slot.inflight.size === 0) slot.worker.ref(); // busy workers keep the process alive; idle ones must not
    slot.inflight.set(id, entry);
    slot.worker.postMessage({ ...request, id });
    return id;
  }

  private request(slot: Slot, request: Request): Promise<WorkerResponse> {
    if (slot.dead) return Promise.reject(new Error('parse worker ended'));
    return new Promise((resolve, reject) => this.send(slot, request, { kind: 'other', resolve, reject }));
  }

  private answered(slot: Slot, response: WorkerResponse): void {
    if (slot.dead) return;
    const entry = slot.inflight.get(response.id);
    slot.inflight.delete(response.id);
    if (slot.inflight.size === 0) slot.worker.unref();
    if (entry?.kind === 'other') {
      if ('error' in response) entry.reject(new Error(response.error));
      else entry.resolve(response);
    } else if (entry?.kind === 'parse') {
      const { task } = entry;
      if ('error' in response) this.fail(task.job, new Error(response.error));
      else if ('results' in response) {
        response.results.forEach((result, k) => {
          if (task.job.keep && !('reason' in result)) this.holders.set(result.source, slot);
          this.settle(task.job, task.at[k]!, result);
        });
        task.job.progress?.(task.job.results.length - task.job.left, task.job.results.length);
      }
    }
    this.pump();
  }

  private settle(job: Job, at: number, result: ParseResult): void {
    if (job.settled || job.results[at] !== undefined) return;
    job.results[at] = result;
    job.left--;
    if (job.left === 0) {
      job.settled = true;
      job.resolve(job.results as ParseResult[]);
    }
  }

  private fail(job: Job, error: Error): void {
    if (job.settled) return;
    job.settled = true;
    job.reject(error);
  }

  /**
   * A worker ended: past its deadline, out of memory, or otherwise. The file it was on is rejected
   * for that reason; every other file it had is sent again, and a new worker takes its place.
   */
  private ended(slot: Slot, ending: Ending): void {
    if (slot.dead) return;
    slot.dead = true;
    this.slots = this.slots.filter((s) => s !== slot);
    void slot.worker.terminate();
    for (const [source, holder] of this.holders) if (holder === slot) this.holders.delete(source);
    const request = Atomics.load(slot.progress, REQUEST);
    const file = Atomics.load(slot.progress, FILE);
    const current = file >= 0 ? slot.inflight.get(request) : undefined;
    const culprit = current?.kind === 'parse' ? current.task.files[file] : undefined;
    const resend: Task[] = [];
    for (const [id, entry] of slot.inflight) {
      if (entry.kind === 'other') {
        entry.reject(new Error(`parse worker ended: ${describe(ending, this.memoryMb)}`));
        continue;
      }
      const { task } = entry;
      if (culprit && id === request) {
        this.settle(task.job, task.at[file]!, { file: culprit.path, reason: this.reason(ending, culprit) });
        const others = task.files.flatMap((f, k) => (k === file ? [] : [k]));
        if (others.length) resend.push({ job: task.job, files: others.map((k) => task.files[k]!), at: others.map((k) => task.at[k]!), tries: task.tries });
      } else if (culprit) {
        resend.push(task); // queued behind the file that ended the worker: not its fault
      } else if (task.tries + 1 >= MAX_TRIES) {
        this.fail(task.job, new Error(`parse workers keep ending before parsing (${describe(ending, this.memoryMb)})`));
      } else {
        resend.push({ ...task, tries: task.tries + 1 });
      }
    }
    slot.inflight.clear();
    this.queue = [...resend, ...this.queue];
    this.pump();
  }

  private reason(ending: Ending, file: SeedFile): string {
    switch (ending.kind) {
      case 'deadline':
        return `took too long to parse: stopped after ${seconds(ending.limitMs)}, the limit for a file of ${formatBytes(file.size)}`;
      case 'memory':
        return `needed too much memory to parse: stopped at the ${this.memoryMb} MB a parse may use`;
      case 'crash':
        return `could not be parsed: the parser stopped (${ending.message})`;
    }
  }

  /** Runs the watchdog while any worker is parsing. */
  private watch(): void {
    const busy = this.slots.some((slot) => parsing(slot) > 0);
    if (busy && !this.watchdog) {
      const tick = Math.min(1_000, Math.max(20, this.deadline.baseMs / 20));
      this.watchdog = setInterval(() => this.check(), tick);
      this.watchdog.unref();
    } else if (!busy && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  /** Ends each worker that has been on one file for longer than that file's deadline. */
  private check(): void {
    const now = performance.now();
    for (const slot of [...this.slots]) {
      const started = Atomics.load(slot.progress, STARTED);
      const file = Atomics.load(slot.progress, FILE);
      if (file < 0 || started !== slot.seen) {
        slot.seen = started;
        slot.since = now;
        continue;
      }
      const entry = slot.inflight.get(Atomics.load(slot.progress, REQUEST));
      const seed = entry?.kind === 'parse' ? entry.task.files[file] : undefined;
      if (!seed) continue;
      const limitMs = this.deadlineFor(seed.size);
      if (now - slot.since > limitMs) this.ended(slot, { kind: 'deadline', limitMs });
    }
    this.watch();
  }

  holds(source: string): boolean {
    return this.holders.has(source);
  }

  /** The bodies the workers hold for these sources (one a worker lost in ending is simply missing). */
  async bodies(sources: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await Promise.all(
      [...this.group(sources, (s) => s)].map(async ([slot, list]) => {
        const response = await this.request(slot, { type: 'bodies', sources: list }).catch(() => undefined);
        if (response && 'bodies' in response) for (const [source, html] of response.bodies) out.set(source, html);
      }),
    );
    return out;
  }

  /** Has the workers render and atomically write the article pages whose bodies they hold. */
  async writePages(settings: PageSettings, outDir: string, pages: readonly PageJob[]): Promise<void> {
    await Promise.all(
      [...this.group(pages, (p) => p.article.bodySource)].map(async ([slot, jobs]) => {
        for (let i = 0; i < jobs.length; i += 256) await this.request(slot, { type: 'pages', settings, outDir, pages: jobs.slice(i, i + 256) });
      }),
    );
  }

  /** Drops every body the workers hold (after an export: the main thread kept what it needs). */
  async forget(): Promise<void> {
    this.holders.clear();
    await Promise.all(this.slots.map((slot) => this.request(slot, { type: 'forget' }).catch(() => undefined)));
  }

  /**
   * After an export: the bodies held for it go. After a big batch the workers end too, handing
   * their heaps back, and one new worker is started for the small rescans that follow.
   */
  async release(): Promise<void> {
    if (!this.bigSinceRelease) return this.forget();
    this.bigSinceRelease = false;
    this.wanted = 1;
    // A body a page is waiting for may be in a worker's hands: it goes to the new worker.
    await this.endAll((task) => this.queue.push(task));
    if (this.slots.length === 0) this.spawn();
    this.pump();
  }

  private group<T>(items: readonly T[], sourceOf: (item: T) => string): Map<Slot, T[]> {
    const bySlot = new Map<Slot, T[]>();
    for (const item of items) {
      const slot = this.holders.get(sourceOf(item));
      if (!slot) continue;
      const list = bySlot.get(slot);
      if (list) list.push(item);
      else bySlot.set(slot, [item]);
    }
    return bySlot;
  }

  /** Ends every worker; what they had in hand fails. The pool starts workers again when next asked. */
  async close(): Promise<void> {
    const closed = new Error('parse pool closed');
    for (const task of this.queue) this.fail(task.job, closed);
    this.queue = [];
    await this.endAll((task) => this.fail(task.job, closed));
  }

  private async endAll(unfinished: (task: Task) => void): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    this.holders.clear();
    for (const slot of slots) {
      slot.dead = true;
      for (const entry of slot.inflight.values()) {
        if (entry.kind === 'parse') unfinished(entry.task);
        else entry.reject(new Error('parse pool closed'));
      }
      slot.inflight.clear();
    }
    this.watch();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}

/** Parse requests a worker has not answered. */
function parsing(slot: Slot): number {
  let n = 0;
  for (const entry of slot.inflight.values()) if (entry.kind === 'parse') n++;
  return n;
}

function describe(ending: Ending, memoryMb: number): string {
  switch (ending.kind) {
    case 'deadline':
      return `a file took longer than ${seconds(ending.limitMs)}`;
    case 'memory':
      return `out of memory (${memoryMb} MB)`;
    case 'crash':
      return ending.message;
  }
}
