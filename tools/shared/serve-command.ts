import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ServeDirs {
  readonly seeds: string;
  readonly out: string;
  readonly data: string;
}

/**
 * The arguments of `node [nodeArgs] bin/seedfeed.js serve` over these directories, logging JSON,
 * then `extra` (`repo`: another checkout's built CLI, for a before-and-after).
 */
export function serveArgv(
  dirs: ServeDirs,
  extra: readonly string[],
  options: { readonly nodeArgs?: readonly string[]; readonly repo?: string } = {},
): string[] {
  return [
    ...(options.nodeArgs ?? []),
    path.join(options.repo ?? REPO, 'bin/seedfeed.js'),
    'serve',
    '--seeds',
    dirs.seeds,
    '--out',
    dirs.out,
    '--data-dir',
    dirs.data,
    '--log-format',
    'json',
    ...extra,
  ];
}

/**
 * The allocator defaults `bin/seedfeed` (the command npm installs) gives node unless the
 * environment has them; none for a checkout without the launcher. Tools that start
 * `node bin/seedfeed.js` directly (for node's own flags) add these, so they measure what users run.
 */
export function launcherDefaults(repo = REPO): Record<string, string> {
  let script: string;
  try {
    script = readFileSync(path.join(repo, 'bin/seedfeed'), 'utf8');
  } catch {
    return {};
  }
  return Object.fromEntries(
    [...script.matchAll(/^: "\$\{(\w+):=([^}]*)\}"$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

/** `env` with the launcher's defaults under it. */
export function launcherEnv(repo = REPO, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...launcherDefaults(repo), ...env };
}
