import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Deliveries yield to serving. The queue's bound (delivery-queue.ts) caps what a wave can hold;
 * this decides how much of that bound to use: while the event loop is late — requests for feeds
 * waiting behind delivery work, or the whole process short of CPU — the number of deliveries in
 * flight is halved; while it is on time, it grows by one (additive increase, multiplicative
 * decrease, as TCP's congestion control does, RFC 5681 §3.1). A wave then takes longer on a busy
 * machine instead of making feed requests wait. Below one in flight is a pause (no new delivery
 * starts for a period), and after `MAX_PAUSED_PERIODS` of those one delivery runs anyway: a server
 * kept busy by its readers still sends its notifications, slowly.
 */
export interface PacingLimits {
  /** 0: deliveries may pause. */
  readonly min: number;
  readonly max: number;
  /** Event-loop delay (the worst seen in a period) above which deliveries back off. */
  readonly targetDelayMs: number;
}

export function nextConcurrency(current: number, delayMs: number, limits: PacingLimits): number {
  if (delayMs > limits.targetDelayMs) return Math.max(limits.min, Math.floor(current / 2));
  if (delayMs < limits.targetDelayMs / 2) return Math.min(limits.max, current + 1);
  return current;
}

/** One period's step: the next concurrency, and how many periods in a row it has been paused. */
export function pace(
  current: number,
  delayMs: number,
  pausedPeriods: number,
  limits: PacingLimits,
): { next: number; paused: number } {
  const next = nextConcurrency(current, delayMs, limits);
  if (next > 0) return { next, paused: 0 };
  return pausedPeriods + 1 > MAX_PAUSED_PERIODS
    ? { next: 1, paused: 0 }
    : { next: 0, paused: pausedPeriods + 1 };
}

const RESOLUTION_MS = 5;
/** A pause lasts at most this many periods in a row. */
export const MAX_PAUSED_PERIODS = 10;

/** Samples the event loop's delay while `busy()` holds, and hands each period's verdict to `apply`. */
export class Pacer {
  private histogram: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private paused = 0;

  constructor(
    private readonly limits: PacingLimits,
    private readonly apply: (concurrency: number) => void,
    private readonly current: () => number,
    private readonly periodMs = 100,
  ) {}

  /** Starts sampling (idempotent); stops by itself once `busy()` is false at the end of a period. */
  start(busy: () => boolean): void {
    if (this.timer) return;
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.timer = setInterval(() => {
      // The histogram holds the intervals between its own timer's runs: the delay is past the resolution.
      const worstMs = Math.max(0, this.histogram!.max / 1e6 - RESOLUTION_MS);
      this.histogram!.reset();
      const { next, paused } = pace(this.current(), worstMs, this.paused, this.limits);
      this.paused = paused;
      this.apply(next);
      if (!busy()) this.stop();
    }, this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.histogram = undefined;
  }
}
