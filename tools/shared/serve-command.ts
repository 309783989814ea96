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
