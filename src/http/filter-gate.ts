import { setImmediate as nextTurn } from 'node:timers/promises';

/** Time a scan holds the event loop before it lets other requests run. */
const SLICE_MS = 4;

/**
 * Runs the filter scans of requests (render/filter-index.ts's generators) a few at a time, in
 * slices of a few milliseconds with other requests answered between them: a burst of distinct
 * filter queries queues behind `running` scans instead of taking the thread, and beyond
 * `waiting` queued ones is refused (the caller answers 503 with Retry-After).
 */
export class FilterGate {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly running = 2,
    private readonly waiting = 32,
  ) {}

  /** Runs `scan` to its end; false, without running it, when too many wait already. */
  async run(scan: Generator<void, unknown>): Promise<boolean> {
    if (this.active >= this.running) {
      if (this.queue.length >= this.waiting) return false;
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.active++;
    try {
      let sliceStart = performance.now();
      while (!scan.next().done) {
        if (performance.now() - sliceStart < SLICE_MS) continue;
        await nextTurn();
        sliceStart = performance.now();
      }
      return true;
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
