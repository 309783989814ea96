import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';

/** node-cron's message for a tick skipped because the last run has not ended. */
const OVERLAP = /overlap/i;

/**
 * Runs `rescan` on the cron schedule, with node-cron's messages in our log. The task waits for
 * the promise `rescan` returns (noOverlap): a scan that outlasts the interval skips the ticks
 * it overlaps, and says so once (a first scan of 100,000 files spans a few minutes: one warning,
 * not two a minute). node-cron's own line for each skipped tick is a debug line.
 */
export function scheduleRescans(
  expression: string,
  logger: Logger,
  rescan: () => Promise<void>,
): ScheduledTask {
  let overrunTold = false;
  const run = async () => {
    try {
      await rescan();
    } finally {
      overrunTold = false;
    }
  };
  const task = cron.schedule(expression, run, {
    name: 'seedfeed-rescan',
    noOverlap: true,
    logger: {
      info: (m) => logger.debug('cron', { message: m }),
      warn: (m) =>
        OVERLAP.test(m)
          ? logger.debug('cron', { message: m })
          : logger.warn('cron', { message: m }),
      error: (m) => logger.error('cron', { message: String(m) }),
      debug: (m) => logger.debug('cron', { message: String(m) }),
    },
  });
  task.on('execution:overlap', () => {
    const note = 'a scan outlasted the schedule interval; the next starts after it';
    if (overrunTold) return logger.debug('scan_overran', { note });
    overrunTold = true;
    logger.warn('scan_overran', { note });
  });
  return task;
}

/** Seconds between scheduled rescans: what Cache-Control max-age is tied to. */
export function intervalSeconds(expression: string): number {
  const task = cron.createTask(expression, () => undefined);
  try {
    const [a, b] = task.getNextRuns(2);
    return a && b ? Math.max(1, Math.round((b.getTime() - a.getTime()) / 1000)) : 60;
  } finally {
    void task.destroy();
  }
}
