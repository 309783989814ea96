/**
 * The closing `N passed, N failed` line (tests/count-reporter.ts): a file that fails outside its
 * tests, and an error outside every file, count as failures. Checked on the counting alone, then
 * on real vitest runs of small throwaway test files with the reporter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { closingLine, countOutcomes } from './count-reporter.js';
import { REPO, makeTempDir } from './support/site.js';

const run = promisify(execFile);

describe('countOutcomes', () => {
  it('counts the tests of files that passed or failed in their tests', () => {
    const counts = countOutcomes(
      [
        { state: 'passed', errors: 0, tests: ['passed', 'passed', 'skipped'] },
        { state: 'failed', errors: 0, tests: ['passed', 'failed', 'failed'] },
      ],
      0,
      'failed',
    );
    expect(counts).toEqual({ passed: 3, failed: 2, skipped: 1 });
    expect(closingLine(counts)).toBe('3 passed, 2 failed, 1 skipped');
  });

  it('a file whose beforeAll threw (its tests skipped) is one failure', () => {
    expect(
      countOutcomes(
        [{ state: 'failed', errors: 1, tests: ['skipped', 'skipped', 'skipped'] }],
        0,
        'failed',
      ),
    ).toEqual({ passed: 0, failed: 1, skipped: 3 });
    // Whichever of the two vitest reports.
    expect(countOutcomes([{ state: 'failed', errors: 0, tests: ['skipped'] }], 0).failed).toBe(1);
    expect(countOutcomes([{ state: 'passed', errors: 1, tests: ['passed'] }], 0).failed).toBe(1);
  });

  it('a file that failed to load (no tests at all) is one failure', () => {
    expect(countOutcomes([{ state: 'failed', errors: 1, tests: [] }], 0, 'failed')).toEqual({
      passed: 0,
      failed: 1,
      skipped: 0,
    });
  });

  it('a failed file with failed tests counts its failed tests, not one more', () => {
    expect(
      countOutcomes(
        [{ state: 'failed', errors: 1, tests: ['failed', 'failed', 'passed'] }],
        0,
        'failed',
      ).failed,
    ).toBe(2);
  });

  it('each unhandled error is a failure', () => {
    expect(countOutcomes([{ state: 'passed', errors: 0, tests: ['passed'] }], 2, 'failed')).toEqual(
      { passed: 1, failed: 2, skipped: 0 },
    );
  });

  it('a run that vitest ends as failed or interrupted never reads 0 failed; a passed one may', () => {
    const clean = [{ state: 'passed', errors: 0, tests: ['passed'] }];
    expect(countOutcomes(clean, 0, 'failed').failed).toBe(1);
    expect(countOutcomes(clean, 0, 'interrupted').failed).toBe(1);
    expect(countOutcomes(clean, 0, 'passed').failed).toBe(0);
    expect(countOutcomes([], 0, 'passed')).toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});

describe('the reporter in a real vitest run', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir('seedfeed-count-reporter-');
  });
  afterAll(async () => {
    await temp?.remove();
  });

  /** Runs vitest over `files` (globals on, no config) with the count reporter; gives its exit code and closing line. */
  async function vitestRun(
    name: string,
    files: Record<string, string>,
  ): Promise<{ code: number; line: string | undefined }> {
    const root = path.join(temp.dir, name);
    await mkdir(root);
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(root, file), text);
    const args = [
      path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--root',
      root,
      '--globals',
      '--reporter',
      path.join(REPO, 'tests', 'count-reporter.ts'),
    ];
    const result = await run(process.execPath, args, { cwd: root, timeout: 60_000 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({
        code: error.code ?? -1,
        stdout: error.stdout ?? '',
      }),
    );
    const line = result.stdout
      .split('\n')
      .filter((l) => /^\d+ passed, \d+ failed/.test(l))
      .at(-1);
    return { code: result.code, line };
  }

  it('a file whose beforeAll throws counts as failed (its skipped tests were all it showed)', async () => {
    const { code, line } = await vitestRun('before-all', {
      'broken.test.js':
        "beforeAll(() => { throw new Error('setup broke'); });\nit('one', () => {});\nit('two', () => {});\n",
      'fine.test.js': "it('passes', () => {});\n",
    });
    expect(code).toBe(1);
    expect(line).toBe('1 passed, 1 failed, 2 skipped');
  }, 60_000);

  it('an unhandled rejection counts as failed though every test passed', async () => {
    const { code, line } = await vitestRun('unhandled', {
      'leaks.test.js':
        "it('passes but leaks a rejection', async () => { void Promise.reject(new Error('nobody waits for me')); await new Promise((r) => setTimeout(r, 50)); });\n",
    });
    expect(code).toBe(1);
    expect(line).toBe('1 passed, 1 failed, 0 skipped');
  }, 60_000);

  it('a clean run reads 0 failed', async () => {
    const { code, line } = await vitestRun('clean', {
      'fine.test.js': "it('passes', () => {});\nit.skip('later', () => {});\n",
    });
    expect(code).toBe(0);
    expect(line).toBe('1 passed, 0 failed, 1 skipped');
  }, 60_000);
});
