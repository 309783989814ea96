import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { profileTable } from './cpu-profile.js';
import { measureFreshness, type FreshnessResult } from './freshness-measure.js';
import { freshnessTable } from './freshness-table.js';
import { parseToolArgs, usageError } from '../shared/args.js';

/**
 * The freshness benchmark (issue #14): how soon the built service serves a new, edited or
 * deleted file with the watcher on, at each corpus size, with its memory, restart time and the
 * CPU profile of a one-file change at the largest size. `npm run bench` runs it after its own
 * table; alone: `npm run build && npx tsx tools/bench/freshness.ts --sizes 10000,100000`.
 */

export const FRESHNESS_OPTIONS = {
  changes: {
    type: 'string',
    value: 'N',
    default: '20',
    help: 'new files, edits and deletes of each kind per size',
  },
  'skip-profile': { type: 'boolean', help: 'no CPU profile of a one-file change' },
} as const;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Measures every size (the profile at the largest only) and returns the report in markdown. */
export async function freshnessReport(
  sizes: readonly number[],
  changes: number,
  profile: boolean,
): Promise<string> {
  const work = path.join(ROOT, '.bench');
  await mkdir(work, { recursive: true });
  const largest = Math.max(...sizes);
  const loadBefore = loadavg()[0]!;
  const results: FreshnessResult[] = [];
  for (const size of sizes)
    results.push(
      await measureFreshness(size, {
        work,
        samplesDir: path.join(ROOT, 'seeds'),
        changes,
        profile: profile && size === largest,
      }),
    );
  const cores = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const out = [
    `seedfeed freshness, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cores} cores, ${changes} changes of each kind per size, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after (figures above ~1 mean other work shared the cores)`,
    '',
    freshnessTable(results),
  ];
  const profiled = results.find((r) => r.profile);
  if (profiled?.profile)
    out.push(
      '',
      `CPU profile of one new file at ${profiled.size.toLocaleString('en')} files, main thread, write → served (${path.relative(ROOT, profiled.profile.file)}):`,
      '',
      profileTable(profiled.profile.summary),
    );
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = {
    sizes: {
      type: 'string',
      value: 'N,N',
      default: '10000',
      help: 'corpus sizes in files (cached under .bench/); ratios are against the first',
    },
    ...FRESHNESS_OPTIONS,
  } as const;
  const tool = {
    command: 'npx tsx tools/bench/freshness.ts',
    about:
      'Write → served latency, memory and restart time of the built service (npm run build first)\n' +
      'at each corpus size, and the CPU profile of a one-file change at the largest.',
  };
  const args = parseToolArgs(tool, options);
  const sizes = args.sizes.split(',').map(Number);
  const changes = Number(args.changes);
  if (!sizes.every((n) => Number.isInteger(n) && n > 0))
    usageError(tool, options, '--sizes must be whole numbers from 1, comma-separated');
  if (!Number.isInteger(changes) || changes < 1)
    usageError(tool, options, '--changes must be a whole number from 1');
  console.log(await freshnessReport(sizes, changes, !args['skip-profile']));
}
