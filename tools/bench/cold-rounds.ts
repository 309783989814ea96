import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hugoCommand, prepareHugoSite } from './hugo.js';
import { launcherDefaults } from '../shared/serve-command.js';

/**
 * Cold builds timed as separate processes, in alternating rounds (A B H A B H …) so that load
 * from other work on the machine falls on every contender alike: `seedfeed build` of this
 * checkout, optionally of another (`before`, a checkout with dist/ built) and of this one with
 * `--precompress` (siblings Hugo does not write), and Hugo building the same outputs. GNU time reports each process's wall, user and system time and peak RSS.
 */

export interface Timing {
  readonly wallS: number;
  readonly userS: number;
  readonly sysS: number;
  readonly peakRssMb: number;
}

export interface Contender {
  readonly name: string;
  readonly timings: Timing[];
  /** Bytes of the output directory after the first round. */
  outBytes?: number;
}

function timed(argv: string[]): Timing {
  const report = path.join(mkdtempSync(path.join(tmpdir(), 'cold-')), 'time');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', report, ...argv], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKb] = readFileSync(report, 'utf8').trim().split(/\s+/).map(Number);
  rmSync(path.dirname(report), { recursive: true, force: true });
  return { wallS: wall!, userS: user!, sysS: sys!, peakRssMb: rssKb! / 1024 };
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) total += statSync(path.join(e.parentPath, e.name)).size;
  return total;
}

/** `seedfeed build` as bin/seedfeed runs it: with its allocator settings, where it has any. */
function seedfeedBuild(checkout: string, seeds: string, out: string): string[] {
  const defaults = launcherDefaults(checkout);
  const settings = Object.keys(defaults).map((n) => `${n}=${process.env[n] ?? defaults[n]}`);
  return [
    'env',
    ...settings,
    process.execPath,
    path.join(checkout, 'bin/seedfeed.js'),
    'build',
    '--seeds',
    seeds,
    '--out',
    out,
    '--data-dir',
    `${out}.data`,
    '--base-url',
    'https://bench.example',
    '--limit',
    '50',
    '--log-level',
    'warn',
  ];
}

export function coldRounds(opts: {
  seeds: string;
  work: string;
  checkout: string;
  before?: string;
  /** Also this checkout's build with --precompress. */
  precompress?: boolean;
  hugo: boolean;
  rounds: number;
  /** Where the outputs are written (default `work`): on a tmpfs, no disk's costs in either. */
  outRoot?: string;
}): Contender[] {
  const hugoSite = path.join(opts.work, 'hugo-site');
  if (opts.hugo) prepareHugoSite(opts.seeds, hugoSite);
  const outRoot = opts.outRoot ?? opts.work;
  const runs: Array<{ contender: Contender; argv: string[]; out: string }> = [];
  const add = (name: string, out: string, argv: string[]) =>
    runs.push({ contender: { name, timings: [] }, argv, out });
  if (opts.before) {
    const out = path.join(outRoot, 'out-before');
    add('seedfeed before', out, seedfeedBuild(opts.before, opts.seeds, out));
  }
  const out = path.join(outRoot, 'out-seedfeed');
  add('seedfeed', out, seedfeedBuild(opts.checkout, opts.seeds, out));
  if (opts.precompress) {
    const out = path.join(outRoot, 'out-precompress');
    add('seedfeed --precompress', out, [
      ...seedfeedBuild(opts.checkout, opts.seeds, out),
      '--precompress',
    ]);
  }
  if (opts.hugo) {
    const hugoOut = path.join(outRoot, 'out-hugo');
    add('hugo', hugoOut, hugoCommand(hugoSite, hugoOut));
  }
  for (let round = 0; round < opts.rounds; round++) {
    for (const run of runs) {
      rmSync(run.out, { recursive: true, force: true });
      rmSync(`${run.out}.data`, { recursive: true, force: true });
      process.stderr.write(`round ${round + 1}: ${run.contender.name} …\n`);
      run.contender.timings.push(timed(run.argv));
      run.contender.outBytes ??= treeBytes(run.out);
    }
  }
  return runs.map((r) => r.contender);
}

export const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
