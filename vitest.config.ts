import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['./tests/global-setup.ts'],
    // Dates in tests are asserted as instants; a fixed zone proves nothing depends on the machine's.
    env: { TZ: 'Asia/Shanghai' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './tests/count-reporter.ts'],
  },
});
