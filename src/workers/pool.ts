import { availableParallelism } from 'node:os';
import type {
  ParseBatch,
  ParseOptions,
  ParseResult,
  Reparse,
  ReparseBatch,
  TakeReparse,
} from '../catalog/draft-file.js';
import type { PageJob, PageSettings } from '../export/article-pages.js';
import type { SeedFile } from '../model.js';
import { batchShape } from './batch-shape.js';
import { ReadAhead } from './read-ahead.js';
import { BodyHolders } from './body-holders.js';
import {
  DEADLINE_BASE_MS,
  DEADLINE_PER_MB_MS,
  WORKER_MEMORY_MB,
  type PoolOptions,
} from './pool-options.js';
import { describeEnding, rejectionReason, type Ending } from './endings.js';
import { collectGarbageSoon, shrinkYoungGenerationSoon } from './heap.js';
import { afterWorkerEnded, fail, settle, tasksOf, type Job, type Task } from './parse-tasks.js';
import type { WorkerFaults } from './faults.js';
import type { HeldSetup, WorkerResponse } from './protocol.js';
import { Watchdog } from './watchdog.js';
import { WorkerSlot } from './worker-slot.js';

type Slot = WorkerSlot<Task>;

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
  /** Workers a batch may use now: one, or one per core during and after a big batch. */
  private wanted = 1;
  private bigSinceRelease = false;
  private collectDue = false;
  private readonly holders = new BodyHolders<Task>();
  private readonly watchdog: Watchdog<Task>;
  private readonly size: number;
  private readonly deadline: { readonly baseMs: number; readonly perMbMs: number };
  private readonly memoryMb: number;
  private readonly faults: WorkerFaults | undefined;
  private readonly collectGarbage: () => void;
  private readonly shrinkYoungGeneration: () => void;
  private readonly readAhead: Pick<ReadAhead, 'files' | 'end'>;
  private readonly held: HeldSetup | undefined;

  /**
   * A small file of the last big batch, parsed once by the fresh worker `release` starts: its
   * first parse compiles the parser (94 ms for a one-file change after a cold scan of 10,000
   * files, against 3–14 ms for the next ones), which is then off the first change's path.
   */
  private warmUp: { file: SeedFile; maxFileBytes: number; options: ParseOptions } | undefined;

  /** Told how long the fresh worker's warm-up parse took (ms). */
  onWarmedUp?: (ms: number) => void;

  /** Called as chunks of a big parse come back (files done, files in the batch). */
  onProgress?: (done: number, total: number) => void;
  /** Told what a worker wants logged (its bodies stay in memory: the spool file failed). */
  onWarning?: (warning: string) => void;

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.deadline = options.deadline ?? { baseMs: DEADLINE_BASE_MS, perMbMs: DEADLINE_PER_MB_MS };
    this.memoryMb = options.memoryMb ?? WORKER_MEMORY_MB;
    this.faults = options.faults;
    this.collectGarbage = options.collectGarbage ?? collectGarbageSoon;
    this.shrinkYoungGeneration = options.shrinkYoungGeneration ?? shrinkYoungGenerationSoon;
    this.readAhead = options.readAhead ?? new ReadAhead();
    this.held = options.held;
    this.watchdog = new Watchdog(Math.min(1_000, Math.max(20, this.deadline.baseMs / 20)), {
      slots: () => this.slots,
      deadlineOf: (task, file) => this.deadlineFor(task.files[file]!.size),
      overdue: (slot, limitMs) => this.ended(slot, { kind: 'deadline', limitMs }),
    });
  }

  /**
   * Starts one worker per core now, for a run that will parse a big batch (a cold build or scan):
   * each worker's start (~150 ms of loading modules) then overlaps the main thread's own start and
   * walk instead of following them. A scan of 10,000 files: wall 0.98× (docs/performance.md).
   */
  prestart(): void {
    this.wanted = this.size;
    while (this.slots.length < this.size) this.spawn();
  }

  /** Workers running now. */
  get workers(): number {
    return this.slots.length;
  }

  /** The deadline of a file of `bytes`. */
  deadlineFor(bytes: number): number {
    return this.deadline.baseMs + (this.deadline.perMbMs * bytes) / (1024 * 1024);
  }

  readonly parseBatch: ParseBatch = async (files, maxFileBytes, options = {}) =>
    (await this.reparseBatch(files, [], maxFileBytes, options)).map((r) => r.result!);

  /** The workers hash each file's bytes as they read them, and parse only those whose digest is not the known one. */
  readonly reparseBatch: ReparseBatch = (files, known, maxFileBytes, options = {}, take) => {
    for (const file of files) this.holders.drop(file.path);
    const { big, chunk, warmUp } = batchShape(files);
    if (big) {
      this.wanted = this.size;
      this.bigSinceRelease = true;
      this.warmUp = warmUp && { file: warmUp, maxFileBytes, options };
    }
    return this.run(files, maxFileBytes, options, {
      known,
      keep: big,
      chunk,
      progress: big ? this.onProgress : undefined,
      take,
    });
  };

  /** One file parsed again with its body (a page needs a body no longer in memory). */
  async parseOne(file: SeedFile, maxFileBytes: number): Promise<ParseResult> {
    const [parsed] = await this.run(
      [file],
      maxFileBytes,
      {},
      { keep: false, chunk: 1, first: true },
    );
    return parsed!.result!;
  }

  holds(source: string): boolean {
    return this.holders.holds(source);
  }

  /** The bodies the workers hold for these sources (one a worker lost in ending is simply missing). */
  bodies(sources: readonly string[]): Promise<Map<string, string>> {
    return this.holders.bodies(sources);
  }

  /** Has the workers render and atomically write the article pages whose bodies they hold. */
  writePages(settings: PageSettings, outDir: string, pages: readonly PageJob[]): Promise<void> {
    return this.holders.writePages(settings, outDir, pages);
  }

  /** The pages in the order the workers stored their bodies: bodies in a spool file are read front to back. */
  inWritingOrder(pages: PageJob[]): PageJob[] {
    return this.holders.inStoredOrder(pages);
  }

  /** Drops every body the workers hold (after an export: the main thread kept what it needs). */
  async forget(): Promise<void> {
    this.holders.clear();
    await Promise.all(
      this.slots.map((slot) => slot.call({ type: 'forget' }).catch(() => undefined)),
    );
  }

  /**
   * After an export: the bodies held for it go. After a big batch the workers end too, handing
   * their heaps back, and one new worker is started for the small rescans that follow (and the
   * main thread's heap is collected after the scan: afterScan).
   */
  async release(): Promise<void> {
    if (!this.bigSinceRelease) return this.forget();
    this.bigSinceRelease = false;
    this.readAhead.end();
    this.wanted = 1;
    // A body a page is waiting for may be in a worker's hands: it goes to the new worker.
    await this.endAll((task) => this.queue.push(task));
    if (this.slots.length === 0) this.spawn();
    this.pump();
    this.collectDue = true;
    const warmUp = this.warmUp;
    this.warmUp = undefined;
    if (warmUp) {
      const started = performance.now();
      const { file, maxFileBytes, options } = warmUp;
      // Its result is not needed, nor is its failure (the file may be gone by now).
      void this.run([file], maxFileBytes, options, { keep: false, chunk: 1 }).then(
        () => this.onWarmedUp?.(performance.now() - started),
        () => undefined,
      );
    }
  }

  /**
   * Called when a scan is over (its Site swapped in, its state saved): if it ended a big batch's
   * workers, or was big without them (`bigScan`: a restart's first scan decodes its snapshot, a
   * whole export written again renders every page), the main thread's heap is collected now that
   * the scan's garbage is dead (heap.ts). After any other scan, only the young generation is
   * collected once the server idles, so that a scheduled walk does not leave it grown.
   */
  afterScan(bigScan = false): void {
    if (!this.collectDue && !bigScan) return this.shrinkYoungGeneration();
    this.collectDue = false;
    this.collectGarbage();
  }

  /** Ends every worker; what they had in hand fails. The pool starts workers again when next asked. */
  async close(): Promise<void> {
    const closed = new Error('parse pool closed');
    for (const task of this.queue) fail(task.job, closed);
    this.queue = [];
    this.readAhead.end();
    await this.endAll((task) => fail(task.job, closed));
  }

  private run(
    files: readonly SeedFile[],
    maxFileBytes: number,
    options: ParseOptions,
    how: {
      known?: readonly (string | undefined)[];
      keep: boolean;
      chunk: number;
      progress?: (done: number, total: number) => void;
      first?: boolean;
      take?: TakeReparse;
    },
  ): Promise<Reparse[]> {
    if (files.length === 0) return Promise.resolve([]);
    return new Promise<Reparse[]>((resolve, reject) => {
      const job: Job = {
        results: new Array(files.length),
        known: how.known,
        left: files.length,
        keep: how.keep,
        maxFileBytes,
        options,
        resolve,
        reject,
        progress: how.progress,
        take: how.take,
        settled: false,
      };
      const tasks = tasksOf(job, files, how.chunk);
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
      slot.sendTask(
        {
          type: 'parse',
          files: task.files,
          known: job.known?.length ? task.at.map((k) => job.known![k]) : undefined,
          maxFileBytes: job.maxFileBytes,
          options: job.options,
          keep: job.keep,
        },
        task,
      );
      // A big batch's files (its workers keep their bodies) are read into the cache while the
      // worker parses what it had before (two requests in hand).
      if (job.keep) this.readAhead.files(task.files);
    }
    this.watchdog.review();
  }

  private roomy(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      const load = slot.tasksInHand;
      if (load < 2 && (!best || load < best.tasksInHand)) best = slot;
    }
    if (best && best.tasksInHand === 0) return best;
    if (this.slots.length < this.wanted) return this.spawn();
    return best;
  }

  private spawn(): Slot {
    const slot: Slot = new WorkerSlot(
      { memoryMb: this.memoryMb, faults: this.faults, held: this.held },
      {
        answered: (from, response, task) => this.answered(from, response, task),
        ended: (from, ending) => this.ended(from, ending),
      },
    );
    this.slots.push(slot);
    return slot;
  }

  private answered(slot: Slot, response: WorkerResponse, task: Task | undefined): void {
    if (task && 'error' in response) fail(task.job, new Error(response.error));
    else if (task && 'results' in response) {
      if (response.warning) this.onWarning?.(response.warning);
      response.results.forEach((parsed, k) => {
        const { result } = parsed;
        if (task.job.keep && result && !('reason' in result))
          this.holders.record(result.source, slot);
        settle(task.job, task.at[k]!, parsed);
      });
      task.job.progress?.(task.job.results.length - task.job.left, task.job.results.length);
    }
    this.pump();
  }

  /**
   * A worker ended: past its deadline, out of memory, or otherwise. The file it was on is rejected
   * for that reason; every other file it had is sent again, and a new worker takes its place.
   */
  private ended(slot: Slot, ending: Ending): void {
    if (slot.dead) return;
    const on = slot.onNow(); // read before retiring it, which lets go of its tasks
    this.slots = this.slots.filter((s) => s !== slot);
    this.holders.dropWorker(slot);
    const why = describeEnding(ending, this.memoryMb);
    const { tasks } = slot.retire(new Error(`parse worker ended: ${why}`));
    const resend = afterWorkerEnded(
      tasks,
      on,
      (file) => rejectionReason(ending, file, this.memoryMb),
      why,
    );
    this.queue = [...resend, ...this.queue];
    this.pump();
  }

  private async endAll(unfinished: (task: Task) => void): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    this.holders.clear();
    const exits = slots.map((slot) => {
      const { tasks, exited } = slot.retire(new Error('parse pool closed'));
      for (const task of tasks.values()) unfinished(task);
      return exited;
    });
    this.watchdog.review();
    await Promise.all(exits);
  }
}
