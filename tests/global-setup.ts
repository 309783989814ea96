import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tests that run the CLI as a user does (`node bin/seedfeed.js …`) need dist/ built from the
 * current src/. Built once here, before any test file starts, so no test rebuilds it while
 * another one runs it. A type error does not stop the build here (tsc still emits): `npm test`
 * type-checks first and fails on it, and a single test file can still be run while another part
 * of the tree is being edited.
 */
export default function buildOnce(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    execFileSync(
      process.platform === 'win32' ? 'npx.cmd' : 'npx',
      ['tsc', '-p', 'tsconfig.build.json'],
      { cwd: root, stdio: 'inherit' },
    );
  } catch {
    console.warn(
      'global-setup: tsc reported errors; dist/ was emitted anyway (npm test type-checks first)',
    );
  }
}
