import type { WorkerSlot } from './worker-slot.js';

/**
 * Ends each worker that has been on one file for longer than that file's deadline. It reads which
 * file from the progress cells (a worker stuck in a file sends no message), and runs only while
 * some worker has a task in hand.
 */
export class Watchdog<T> {
  private timer: NodeJS.Timeout | undefined;
  /** Per worker: the count of files started last seen, and since when it has stood still. */
  private readonly views = new WeakMap<WorkerSlot<T>, { seen: number; since: number }>();

  constructor(
    private readonly tickMs: number,
    private readonly watched: {
      slots(): readonly WorkerSlot<T>[];
      /** The deadline of file `file` of `task`, in ms. */
      deadlineOf(task: T, file: number): number;
      overdue(slot: WorkerSlot<T>, limitMs: number): void;
    },
  ) {}

  /** Starts or stops the timer, as some worker has a task in hand or none has. */
  review(): void {
    const busy = this.watched.slots().some((slot) => slot.tasksInHand > 0);
    if (busy && !this.timer) {
      this.timer = setInterval(() => this.check(), this.tickMs);
      this.timer.unref();
    } else if (!busy && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = performance.now();
    for (const slot of [...this.watched.slots()]) {
      const started = slot.filesStarted;
      const on = slot.onNow();
      const view = this.views.get(slot);
      if (!on || !view || started !== view.seen) {
        this.views.set(slot, { seen: started, since: now });
        continue;
      }
      const limitMs = this.watched.deadlineOf(on.task, on.file);
      if (now - view.since > limitMs) this.watched.overdue(slot, limitMs);
    }
    this.review();
  }
}
