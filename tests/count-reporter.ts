import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

/** What the count needs of one test file: its state, its errors, and the states of its tests. */
export interface ModuleOutcome {
  /** 'failed' also when the file failed outside any test: a throwing beforeAll/afterAll, an import error. */
  readonly state: string;
  /** Errors of the file itself (collection, hooks), not of its tests. */
  readonly errors: number;
  readonly tests: ReadonlyArray<string>;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * The counts of the closing line. A file that failed counts as at least one failure even when none
 * of its tests did: when its beforeAll throws, vitest marks its tests skipped, and the line would
 * read "0 failed". Each error outside every file (an unhandled rejection, a crashed worker) is a
 * failure too, and a run vitest ends as failed or interrupted never reads "0 failed".
 */
export function countOutcomes(
  modules: ReadonlyArray<ModuleOutcome>,
  unhandledErrors: number,
  reason: string = 'passed',
): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const module of modules) {
    let failedTests = 0;
    for (const state of module.tests) {
      if (state === 'passed') counts.passed++;
      else if (state === 'failed') failedTests++;
      else counts.skipped++;
    }
    const fileFailed = module.state === 'failed' || module.errors > 0;
    counts.failed += fileFailed ? Math.max(1, failedTests) : failedTests;
  }
  counts.failed += unhandledErrors;
  if (reason !== 'passed' && counts.failed === 0) counts.failed = 1;
  return counts;
}

export function closingLine({ passed, failed, skipped }: Counts): string {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

/** Prints the plain `N passed, N failed` line CI reads (vitest's own summary is not recognised). */
export default class CountReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError> = [],
    reason: TestRunEndReason = 'passed',
  ): void {
    const modules = testModules.map((module) => ({
      state: module.state(),
      errors: module.errors().length,
      tests: [...module.children.allTests()].map((test) => test.result().state),
    }));
    process.stdout.write(
      `\n${closingLine(countOutcomes(modules, unhandledErrors.length, reason))}\n`,
    );
  }
}
