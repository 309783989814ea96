import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npx tsx tools/bench/long-tasks.ts FILE.cpuprofile [--over 20] [--top 8] [--from-us N] [--to-us N] [--gaps FILE]`: what
 * held the event loop. A task is a run of samples without `(idle)` (the thread waiting in epoll);
 * a task longer than `--over` ms is what a /healthz probe waits behind. Prints how many tasks
 * and how much time passed over the threshold, the longest tasks, and, summed over all long
 * tasks, the project functions on their stacks (inclusive time) and the self time per function.
 * With `--gaps FILE` (filter-burst.ts's loop-gaps.json) the tasks are the turns the loop itself
 * recorded as held, with the samples taken meanwhile: work sliced with setImmediate shows no
 * idle between slices, so without it a busy stretch counts as one task. `--from-us`/`--to-us` keep a window of the profile's clock (microseconds of CLOCK_MONOTONIC,
 * as filter-burst.ts prints them for each burst), e.g. to leave out the service's start-up.
 */

interface Node {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly Node[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function label(node: Node): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const shown = file.startsWith(ROOT)
    ? path.relative(ROOT, file)
    : file.replace(/^.*\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'}${shown ? ` ${shown}:${lineNumber + 1}` : ''}`;
}

const isProject = (node: Node) => /\/(dist|src)\//.test(node.callFrame.url);

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

const top = (map: Map<string, number>, n: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n);

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    process.stderr.write(
      'Usage: npx tsx tools/bench/long-tasks.ts FILE [--over MS] [--top N] [--from-us US] [--to-us US] [--gaps FILE]\n',
    );
    process.exit(2);
  }
  const option = (name: string, fallback: number) => {
    const at = rest.indexOf(`--${name}`);
    return at === -1 ? fallback : Number(rest[at + 1]);
  };
  const overUs = option('over', 20) * 1000;
  const count = option('top', 8);
  const fromUs = option('from-us', -Infinity);
  const toUs = option('to-us', Infinity);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  interface Task {
    startUs: number;
    us: number;
    samples: Array<[number, number]>;
  }
  const tasks: Task[] = [];
  const gapsAt = rest.indexOf('--gaps');
  if (gapsAt !== -1) {
    // The loop's own record of the turns it was held (loop-gaps.cjs): each gap is a task.
    const gaps = JSON.parse(readFileSync(rest[gapsAt + 1]!, 'utf8')) as Array<[number, number]>;
    for (const [from, to] of gaps)
      if (to >= fromUs && to <= toUs) tasks.push({ startUs: from, us: to - from, samples: [] });
    let at = profile.startTime;
    let k = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i] ?? 0;
      while (k < tasks.length && tasks[k]!.startUs + tasks[k]!.us < at) k++;
      const t = tasks[k];
      if (t && at >= t.startUs)
        t.samples.push([profile.samples[i]!, profile.timeDeltas[i + 1] ?? 0]);
    }
  } else {
    let task: Task | undefined;
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i] ?? 0;
      if (at < fromUs || at > toUs) continue;
      const span = profile.timeDeltas[i + 1] ?? 0;
      const id = profile.samples[i]!;
      if (byId.get(id)!.callFrame.functionName === '(idle)') {
        if (task) tasks.push(task);
        task = undefined;
        continue;
      }
      task ??= { startUs: at, us: 0, samples: [] };
      task.us += span;
      task.samples.push([id, span]);
    }
    if (task) tasks.push(task);
  }

  const long = tasks.filter((t) => t.us > overUs);
  const busy = tasks.reduce((s, t) => s + t.us, 0);
  const longUs = long.reduce((s, t) => s + t.us, 0);
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  const describe = (t: Task) => {
    const inc = new Map<string, number>();
    const own = new Map<string, number>();
    for (const [id, us] of t.samples) {
      add(own, label(byId.get(id)!), us);
      const seen = new Set<string>();
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const node = byId.get(n)!;
        if (!isProject(node)) continue;
        const name = label(node);
        if (!seen.has(name)) (add(inc, name, us), seen.add(name));
      }
    }
    return { inc, own };
  };
  for (const t of long) {
    const { inc, own } = describe(t);
    for (const [k, v] of inc) add(inclusive, k, v);
    for (const [k, v] of own) add(self, k, v);
  }
  const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
  const lines = [
    `${tasks.length} tasks, busy ${ms(busy)}; ${long.length} over ${ms(overUs)}, together ${ms(longUs)}; longest ${ms(Math.max(0, ...tasks.map((t) => t.us)))}`,
    '',
    'longest tasks (start on the profile clock, duration, top project frames):',
    ...[...long]
      .sort((a, b) => b.us - a.us)
      .slice(0, count)
      .map((t) => {
        const { inc, own } = describe(t);
        return `  ${t.startUs} ${ms(t.us)}: ${top(inc, 4)
          .map(([k, v]) => `${k} ${ms(v)}`)
          .join(' / ')} | self: ${top(own, 3)
          .map(([k, v]) => `${k} ${ms(v)}`)
          .join(' / ')}`;
      }),
    '',
    'over all long tasks, project functions on the stack (inclusive):',
    ...top(inclusive, count * 2).map(([k, v]) => `  ${ms(v)}  ${k}`),
    '',
    'over all long tasks, self time:',
    ...top(self, count * 2).map(([k, v]) => `  ${ms(v)}  ${k}`),
  ];
  console.log(lines.join('\n'));
}

main();
