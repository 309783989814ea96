import type { Worker } from 'node:worker_threads';
import { endingOf, type Ending } from './endings.js';
import type { WorkerFaults } from './faults.js';
import { filesStarted, fileOn, newProgress } from './progress.js';
import type { HeldSetup, UnsentRequest, WorkerResponse } from './protocol.js';
import { spawnParseWorker } from './spawn.js';

/**
 * A request sent and not answered: a task of the pool's (a parse, whose answer the pool sorts out
 * itself and whose files it places again if the worker ends), or a call awaiting its answer.
 */
type InFlight<T> =
  | { readonly kind: 'task'; readonly task: T }
  | {
      readonly kind: 'call';
      readonly resolve: (r: WorkerResponse) => void;
      readonly reject: (e: Error) => void;
    };

export interface SlotEvents<T> {
  /** Every answer, after a call's promise is settled; `task` is the task it answers, if it was one. */
  answered(slot: WorkerSlot<T>, response: WorkerResponse, task: T | undefined): void;
  /** The worker died on its own (out of memory, crashed, exited); not called once it was retired. */
  ended(slot: WorkerSlot<T>, ending: Ending): void;
}

/**
 * One worker thread, the requests it has in hand, and the progress cells it writes. Idle, it does
 * not keep the process alive; busy, it does.
 */
export class WorkerSlot<T> {
  private readonly worker: Worker;
  private readonly progress = newProgress();
  /** Requests sent and not answered, in the order the worker takes them. */
  private readonly inflight = new Map<number, InFlight<T>>();
  private nextId = 0;
  private retired = false;

  constructor(
    how: {
      readonly memoryMb: number;
      readonly faults: WorkerFaults | undefined;
      readonly held: HeldSetup | undefined;
    },
    private readonly events: SlotEvents<T>,
  ) {
    const setup = {
      progress: this.progress.buffer as SharedArrayBuffer,
      faults: how.faults,
      held: how.held,
    };
    this.worker = spawnParseWorker(setup, { maxOldGenerationSizeMb: how.memoryMb });
    this.worker.on('message', (response: WorkerResponse) => this.answered(response));
    this.worker.on('error', (error: Error & { code?: string }) => this.died(endingOf(error)));
    this.worker.on('exit', (code) =>
      this.died({ kind: 'crash', message: `exited with code ${code}` }),
    );
    this.worker.unref();
  }

  /** Ended, by the pool or on its own: it takes no more requests. */
  get dead(): boolean {
    return this.retired;
  }

  /** Tasks sent and not answered. */
  get tasksInHand(): number {
    let n = 0;
    for (const entry of this.inflight.values()) if (entry.kind === 'task') n++;
    return n;
  }

  /** Files the worker has started since it began. */
  get filesStarted(): number {
    return filesStarted(this.progress);
  }

  /** The task the worker is on, and the index of the file in it; undefined between tasks. */
  onNow(): { readonly id: number; readonly task: T; readonly file: number } | undefined {
    const on = fileOn(this.progress);
    if (!on) return undefined;
    const entry = this.inflight.get(on.request);
    return entry?.kind === 'task' ? { id: on.request, task: entry.task, file: on.file } : undefined;
  }

  sendTask(request: UnsentRequest, task: T): void {
    this.send(request, { kind: 'task', task });
  }

  call(request: UnsentRequest): Promise<WorkerResponse> {
    if (this.retired) return Promise.reject(new Error('parse worker ended'));
    return new Promise((resolve, reject) => this.send(request, { kind: 'call', resolve, reject }));
  }

  /**
   * Ends the worker. The calls it had in hand fail with `error`; its tasks are returned, by
   * request id in the order they were sent, for the pool to settle or send again.
   */
  retire(error: Error): { readonly tasks: ReadonlyMap<number, T>; readonly exited: Promise<void> } {
    this.retired = true;
    const tasks = new Map<number, T>();
    for (const [id, entry] of this.inflight) {
      if (entry.kind === 'task') tasks.set(id, entry.task);
      else entry.reject(error);
    }
    this.inflight.clear();
    return { tasks, exited: this.worker.terminate().then(() => undefined) };
  }

  private send(request: UnsentRequest, entry: InFlight<T>): void {
    const id = (this.nextId = (this.nextId + 1) | 0);
    if (this.inflight.size === 0) this.worker.ref(); // busy workers keep the process alive; idle ones must not
    this.inflight.set(id, entry);
    this.worker.postMessage({ ...request, id });
  }

  private answered(response: WorkerResponse): void {
    if (this.retired) return;
    const entry = this.inflight.get(response.id);
    this.inflight.delete(response.id);
    if (this.inflight.size === 0) this.worker.unref();
    if (entry?.kind === 'call') {
      if ('error' in response) entry.reject(new Error(response.error));
      else entry.resolve(response);
    }
    this.events.answered(this, response, entry?.kind === 'task' ? entry.task : undefined);
  }

  private died(ending: Ending): void {
    if (!this.retired) this.events.ended(this, ending);
  }
}
