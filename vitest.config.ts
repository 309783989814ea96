import { defineConfig } from 'vitest/config';

/**
 * Files whose assertions are tight in wall-clock time or in what happens within one turn of the
 * event loop (timer lag, a parse time against its deadline, debounced scan counts, request
 * timeouts). They run one at a time after the others, as the whole suite once did, so that another
 * test file on the other core cannot make them late. (Files with loose bounds, seconds beyond what
 * they need, run with the others: they passed so under a load average of 20.)
 */
const TIMED = [
  'tests/filters/filter-gate.test.ts',
  'tests/hostile/requests.test.ts',
  'tests/live/coalesce.test.ts',
  'tests/parse/algorithmic.test.ts',
  'tests/scan/symlink-race.test.ts',
  'tests/workers/deadline.test.ts',
  'tests/workers/serve-parse.test.ts',
];

const shared = {
  // Dates in tests are asserted as instants; a fixed zone proves nothing depends on the machine's.
  env: { TZ: 'Asia/Shanghai' },
  testTimeout: 30_000,
  hookTimeout: 30_000,
};

export default defineConfig({
  test: {
    // Run once for the whole run (the root project's), not once per project.
    globalSetup: ['./tests/global-setup.ts'],
    reporters: ['default', './tests/count-reporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'tests',
          include: ['tests/**/*.test.ts'],
          exclude: TIMED,
          // vitest's default is one fewer than the cores: one file at a time on 2 cores, while
          // most files spend much of their time waiting on servers, child processes and timers.
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...shared,
          name: 'timed',
          include: TIMED,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
