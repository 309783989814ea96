import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Self time per function in a V8 .cpuprofile (node --cpu-prof), optionally within a window of
 * the profile's clock (microseconds of CLOCK_MONOTONIC on Linux, the clock of
 * process.hrtime.bigint() in any process). As a script: `npx tsx tools/bench/cpu-profile.ts
 * FILE [TOP]` prints the top functions of the whole profile.
 */

interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }>;
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface FunctionTime {
  readonly name: string;
  readonly selfMs: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, idle included. */
  readonly totalMs: number;
  /** Sampled time not idle. */
  readonly busyMs: number;
  /** Every function by self time, most first; `(idle)` left out. */
  readonly functions: readonly FunctionTime[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function where(url: string, line: number): string {
  if (!url) return '';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const shown = file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
  return ` ${shown.replace(/^.*node_modules\//, '')}:${line + 1}`;
}

export function summarizeProfile(
  file: string,
  window: { readonly fromUs: number; readonly toUs: number } = {
    fromUs: -Infinity,
    toUs: Infinity,
  },
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const names = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    names.set(node.id, `${functionName || '(anonymous)'}${where(url, lineNumber)}`);
  }
  const selfUs = new Map<string, number>();
  let at = profile.startTime;
  let total = 0;
  // A sample stands for the time until the next one.
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const span = profile.timeDeltas[i + 1] ?? 0;
    if (at < window.fromUs || at > window.toUs) continue;
    const name = names.get(profile.samples[i]!) ?? '?';
    selfUs.set(name, (selfUs.get(name) ?? 0) + span);
    total += span;
  }
  const idle = selfUs.get('(idle)') ?? 0;
  selfUs.delete('(idle)');
  return {
    totalMs: total / 1000,
    busyMs: (total - idle) / 1000,
    functions: [...selfUs]
      .map(([name, us]) => ({ name, selfMs: us / 1000 }))
      .sort((a, b) => b.selfMs - a.selfMs),
  };
}

/** The summary as a markdown table of the top `count` functions. */
export function profileTable(summary: ProfileSummary, count = 10): string {
  const rows = summary.functions
    .slice(0, count)
    .map(
      (f) =>
        `| ${f.selfMs.toFixed(1)} ms | ${((f.selfMs / summary.busyMs) * 100).toFixed(1)}% | \`${f.name}\` |`,
    );
  return [
    `busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms sampled`,
    '',
    '| self time | of busy | function |',
    '| ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, top, from, to] = process.argv.slice(2);
  if (!file) {
    process.stderr.write(
      'Usage: npx tsx tools/bench/cpu-profile.ts FILE.cpuprofile [TOP] [FROM_US TO_US]\n',
    );
    process.exit(2);
  }
  const window = from && to ? { fromUs: Number(from), toUs: Number(to) } : undefined;
  console.log(profileTable(summarizeProfile(file, window), Number(top ?? 10)));
}
