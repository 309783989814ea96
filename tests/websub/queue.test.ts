import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../src/websub/delivery-queue.js';
import { MAX_PAUSED_PERIODS, nextConcurrency, pace } from '../../src/websub/pacing.js';
import { Counts, RateLimiter } from '../../src/websub/limits.js';

/** A run function whose deliveries the test finishes by hand. */
function manual() {
  const started: string[] = [];
  const open = new Map<string, () => void>();
  const run = (key: string) =>
    new Promise<void>((resolve) => {
      started.push(key);
      open.set(key, resolve);
    });
  const finish = async (key: string) => {
    open.get(key)!();
    open.delete(key);
    await new Promise((r) => setImmediate(r));
  };
  return { started, open, run, finish };
}

describe('DeliveryQueue', () => {
  it('runs at most `concurrency` at once and at most `perHost` per host, hosts in turn', async () => {
    const m = manual();
    const queue = new DeliveryQueue({ concurrency: 3, perHost: 2 }, m.run);
    for (let i = 0; i < 5; i++) queue.push(`a${i}`, 'a');
    for (let i = 0; i < 2; i++) queue.push(`b${i}`, 'b');
    queue.push('c0', 'c');
    await Promise.resolve();
    // a gets two slots at most; b and c are not starved behind a's five.
    expect(m.started).toEqual(['a0', 'b0', 'c0']);
    expect(queue.running).toBe(3);
    await m.finish('c0');
    expect(m.started).toEqual(['a0', 'b0', 'c0', 'a1']);
    await m.finish('a0');
    expect(m.started.at(-1)).toBe('b1');
    await m.finish('b0');
    expect(m.started.at(-1)).toBe('a2');
    expect(queue.running).toBe(3);
    for (const key of ['a1', 'b1', 'a2']) await m.finish(key);
    while (m.open.size) await m.finish([...m.open.keys()][0]!);
    await queue.idle();
    expect(m.started).toHaveLength(8);
    expect(queue.waiting).toBe(0);
  });

  it('queues a key once while it waits, and forgets waiting keys on clear()', async () => {
    const m = manual();
    const queue = new DeliveryQueue({ concurrency: 1, perHost: 1 }, m.run);
    queue.push('x', 'h');
    queue.push('y', 'h');
    queue.push('y', 'h');
    await Promise.resolve();
    expect(queue.waiting).toBe(1);
    queue.clear();
    await m.finish('x');
    await queue.idle();
    expect(m.started).toEqual(['x']);
  });

  it('keeps going when a delivery throws', async () => {
    const seen: string[] = [];
    const queue = new DeliveryQueue({ concurrency: 1, perHost: 1 }, async (key) => {
      seen.push(key);
      if (key === 'bad') throw new Error('boom');
    });
    queue.push('bad', 'h');
    queue.push('good', 'h');
    await queue.idle();
    expect(seen).toEqual(['bad', 'good']);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then one per 1/rate seconds, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 0.5, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfter: 2 });
    expect(limiter.take('b').ok).toBe(true);
    now += 1_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfter: 1 });
    now += 1_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('forgets full buckets, and refuses new keys once the table is full of busy ones', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, () => now, 2);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.take('c').ok).toBe(false);
    now += 1_000;
    expect(limiter.take('c').ok).toBe(true);
    expect(limiter.size).toBe(1);
  });
});

describe('Counts', () => {
  it('counts per key and forgets a key at zero', () => {
    const counts = new Counts();
    counts.add('h');
    counts.add('h');
    counts.add('h', -1);
    expect(counts.get('h')).toBe(1);
    counts.add('h', -1);
    expect(counts.size).toBe(0);
  });
});

describe('nextConcurrency (pacing)', () => {
  const limits = { min: 0, max: 16, targetDelayMs: 10 };
  it('halves while the event loop is late (down to a pause), grows by one while it is on time, and stays within bounds', () => {
    expect(nextConcurrency(16, 25, limits)).toBe(8);
    expect(nextConcurrency(1, 250, limits)).toBe(0);
    expect(nextConcurrency(0, 250, limits)).toBe(0);
    expect(nextConcurrency(0, 1, limits)).toBe(1);
    expect(nextConcurrency(1, 250, { ...limits, min: 1 })).toBe(1);
    expect(nextConcurrency(8, 1, limits)).toBe(9);
    expect(nextConcurrency(16, 0, limits)).toBe(16);
    expect(nextConcurrency(8, 7, limits)).toBe(8);
  });

  it('pauses at most MAX_PAUSED_PERIODS periods in a row, then lets one delivery run', () => {
    let state = { next: 1, paused: 0 };
    const seen: number[] = [];
    for (let i = 0; i < 2 * (MAX_PAUSED_PERIODS + 1); i++) {
      state = pace(state.next, 100, state.paused, limits);
      seen.push(state.next);
    }
    const pause = Array<number>(MAX_PAUSED_PERIODS).fill(0);
    expect(seen).toEqual([...pause, 1, ...pause, 1]);
  });

  it('lets the queue start no more than the lowered number, and more again when raised', async () => {
    const started: string[] = [];
    const open: Array<() => void> = [];
    const queue = new DeliveryQueue(
      { concurrency: 4, perHost: 4 },
      (key) => new Promise<void>((resolve) => (started.push(key), open.push(resolve))),
    );
    queue.setConcurrency(0);
    for (const key of ['a', 'b', 'c']) queue.push(key, 'h');
    await Promise.resolve();
    expect(started).toEqual([]);
    queue.setConcurrency(1);
    expect(started).toEqual(['a']);
    queue.setConcurrency(3);
    expect(started).toEqual(['a', 'b', 'c']);
    for (const resolve of open) resolve();
    await queue.idle();
  });
});
