import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';

/**
 * Runs `rescan` on the cron schedule, with node-cron's messages in our log. The task waits for
 * the promise `rescan` returns (noOverlap): a scan that outlasts the interval skips the ticks
 * it overlaps, and says so.
 */
export function scheduleRescans(
  expression: string,
  logger: Logger,
  rescan: () => Promise<void>,
): ScheduledTask {
  const task = cron.schedule(expression, rescan, {
    name: 'seedfeed-rescan',
    noOverlap: true,
    logger: {
      info: (m) => logger.debug('cron', { message: m }),
      warn: (m) => logger.warn('cron', { message: m }),
      error: (m) => logger.error('cron', { message: String(m) }),
      debug: (m) => logger.debug('cron', { message: String(m) }),
    },
  });
  task.on('execution:overlap', () =>
    logger.warn('scan_overran', {
      note: 'a scan outlasted the schedule interval; the next starts after it',
    }),
  );
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
