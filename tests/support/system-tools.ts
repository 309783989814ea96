/**
 * Finding the machine's own tools (Debian's chromium, xmllint) for the tests that use them as
 * independent checks. Each such test falls back to a copy that ships inside an npm package when the
 * tool is missing, so `npm ci && npm test` passes on a machine with only Node and npm.
 *
 * SEEDFEED_TEST_NO_SYSTEM_TOOLS=1 hides every system tool from the tests, to run the fallbacks on a
 * machine that has the tools: `SEEDFEED_TEST_NO_SYSTEM_TOOLS=1 npx vitest run <files>`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export const NO_SYSTEM_TOOLS_ENV = 'SEEDFEED_TEST_NO_SYSTEM_TOOLS';

export function systemToolsHidden(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[NO_SYSTEM_TOOLS_ENV];
  return value !== undefined && value !== '' && value !== '0';
}

/** The first executable file called `name` on PATH, or undefined (always undefined while hidden). */
export function systemTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (systemToolsHidden(env)) return undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
