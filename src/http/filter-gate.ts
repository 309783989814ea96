import { setImmediate as nextTurn } from 'node:timers/promises';

/** Time the scans together hold the event loop in one turn before other requests run. */
const SLICE_MS = 4;

interface Job {
  readonly work: Generator<void, unknown>;
  readonly done: (ran: boolean) => void;
  readonly failed: (error: unknown) => void;
}

/**
 * Runs the filter work of requests (render/filter-index.ts's scans, then the render of the
 * result) a few at a time, in steps of a few milliseconds with other requests answered between
 * them: a burst of distinct filter queries queues behind `running` jobs instead of taking the
 * thread, and beyond `waiting` queued ones is refused (the caller answers 503 with Retry-After).
 * One loop steps all running jobs in turn, within one budget per turn of the event loop: two
 * scans do not each take a slice per turn, and a job's last step (the render) counts too.
 */
export class FilterGate {
  private readonly active: Job[] = [];
  private readonly queue: Job[] = [];
  private driving = false;

  constructor(
    private readonly running = 2,
    private readonly waiting = 32,
  ) {}

  /** Runs `work` to its end; false, without running it, when too many wait already. */
  run(work: Generator<void, unknown>): Promise<boolean> {
    if (this.active.length >= this.running && this.queue.length >= this.waiting)
      return Promise.resolve(false);
    return new Promise<boolean>((done, failed) => {
      const job = { work, done, failed };
      if (this.active.length < this.running) this.active.push(job);
      else this.queue.push(job);
      if (!this.driving) void this.drive();
    });
  }

  private async drive(): Promise<void> {
    this.driving = true;
    try {
      let next = 0;
      while (this.active.length) {
        await nextTurn();
        const turnStart = performance.now();
        while (this.active.length && performance.now() - turnStart < SLICE_MS) {
          next %= this.active.length;
          const job = this.active[next]!;
          let finished: boolean;
          try {
            finished = job.work.next().done === true;
          } catch (error) {
            this.finish(next, () => job.failed(error));
            continue;
          }
          if (finished) this.finish(next, () => job.done(true));
          else next++;
        }
      }
    } finally {
      this.driving = false;
    }
  }

  /** Ends the job at `at` and lets the oldest waiting one run. */
  private finish(at: number, settle: () => void): void {
    this.active.splice(at, 1);
    const waiting = this.queue.shift();
    if (waiting) this.active.push(waiting);
    settle();
  }
}
