import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work between two turns of the event loop: a request waits at most this long behind a batch. */
const SLICE_MS = 20;

/**
 * Cuts a long loop into slices of about SLICE_MS, with a turn of the event loop between them:
 * the near-duplicate pass of a cold build (5–20 s at 100,000 articles) or of a batch of many new
 * files then never holds the server's requests for more than a slice. A small change ends within
 * its first slice and never waits.
 *
 *   for (…) { if (slices.due()) await slices.pause(); … }
 */
export class Slices {
  private started = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  async pause(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }
}
