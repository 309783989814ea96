/**
 * The schedule says once that a scan outlasted its interval, however many ticks that scan spans
 * (a first scan of 100,000 files spans minutes: it logged two warnings a minute), and says it
 * again for the next scan that does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduledTask } from 'node-cron';
import { scheduleRescans } from '../../src/live/schedule.js';
import { recordingLogger } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let task: ScheduledTask | undefined;
afterEach(async () => {
  await task?.destroy();
  task = undefined;
});

describe('scheduleRescans', () => {
  it('warns once per scan that outlasts the interval; the skipped ticks are debug lines', async () => {
    const { logger, events } = recordingLogger();
    const durations = [3_300, 10, 2_300];
    let runs = 0;
    task = scheduleRescans('* * * * * *', logger, async () => {
      await sleep(durations[runs++] ?? 10);
    });
    const warnings = () => events.filter((e) => e.level === 'warn');
    while (runs < 3) await sleep(100);
    await sleep(2_600); // the third run spans two more ticks
    task.stop();

    expect(warnings().filter((e) => e.event === 'scan_overran')).toHaveLength(2);
    // node-cron's own line for a skipped tick is not a warning ("missed execution", when the
    // event loop was held up, still is).
    const overlapWarnings = warnings().filter(
      (e) => e.event === 'cron' && /overlap/i.test(String(e.fields.message)),
    );
    expect(overlapWarnings).toEqual([]);
    const skipped = events.filter((e) => e.event === 'scan_overran' && e.level === 'debug');
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(
      events.some((e) => e.event === 'cron' && /overlap/i.test(String(e.fields.message))),
    ).toBe(true);
  }, 20_000);
});
