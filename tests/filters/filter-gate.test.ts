/** The filter gate: scans run a few at a time in slices; beyond the queue, a refusal (503). */
import { describe, expect, it } from 'vitest';
import { FilterGate } from '../../src/http/filter-gate.js';

/** A scan of `slices` slices of about `ms` milliseconds of busy work each; logs its slices. */
function* scan(name: string, slices: number, ms: number, log: string[]): Generator<void, number> {
  for (let i = 0; i < slices; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until);
    log.push(name);
    if (i + 1 < slices) yield;
  }
  return slices;
}

describe('FilterGate', () => {
  it('lets other work run between slices of a long scan', async () => {
    const log: string[] = [];
    const gate = new FilterGate(1, 4);
    const done = gate.run(scan('scan', 40, 2, log));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    expect(await done).toBe(true);
    clearInterval(timer);
    // 80 ms of scanning in 4 ms slices: the timer ran between them many times.
    expect(ticks).toBeGreaterThan(5);
    expect(log).toHaveLength(40);
  });

  it('runs `running` scans at once, queues `waiting` more, refuses the rest', async () => {
    const log: string[] = [];
    const gate = new FilterGate(1, 1);
    const first = gate.run(scan('a', 3, 5, log));
    const second = gate.run(scan('b', 3, 5, log));
    const third = gate.run(scan('c', 3, 5, log));
    expect(await third).toBe(false);
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(log).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    // The queue emptied: the gate takes scans again.
    expect(await gate.run(scan('d', 1, 1, log))).toBe(true);
  });

  it('gives the running scans one budget per turn of the event loop, not one each', async () => {
    // Two scans of 3 ms steps: one step each fits in a turn's 4 ms, the second ends the turn.
    // (A budget per scan let each run 2 steps, 12 ms a turn, and more with more scans.)
    const log: string[] = [];
    const gate = new FilterGate(2, 4);
    let running = true;
    const tick = () => {
      log.push('|');
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await Promise.all([gate.run(scan('a', 6, 3, log)), gate.run(scan('b', 6, 3, log))]);
    running = false;
    const perTurn = log
      .join('')
      .split('|')
      .map((steps) => steps.length);
    expect(Math.max(...perTurn)).toBe(2);
    expect(log.filter((x) => x !== '|')).toHaveLength(12);
  });

  it('rejects a job that throws and goes on with the others', async () => {
    const gate = new FilterGate(1, 4);
    function* broken(): Generator<void, number> {
      yield;
      throw new Error('broken scan');
    }
    const log: string[] = [];
    const failing = gate.run(broken());
    const after = gate.run(scan('c', 2, 1, log));
    await expect(failing).rejects.toThrow('broken scan');
    expect(await after).toBe(true);
    expect(log).toEqual(['c', 'c']);
  });
});
