import http from 'node:http';
import { rmdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseToolArgs, usageError } from '../shared/args.js';
import { cachedCorpus } from './corpus-cache.js';
import { probe, summary, type Sample } from './http-sampling.js';
import { freePort, startService } from './service-process.js';

/**
 * `npx tsx tools/bench/filter-burst.ts [--size 100000] [--queries 300] [--clients 8] [--repo DIR] [--profile DIR]`:
 * can a burst of distinct filter queries starve the server? Serves the bench corpus of `--size`
 * files (`node bin/seedfeed.js serve` over dist/: run `npm run build` first), then fires
 * `--queries` distinct five-pattern filter queries at /rss.xml with `Accept-Encoding: br` from
 * `--clients` clients back to back, while /healthz is due every 10 ms (latency counted from when
 * it was due). Prints the throughput, the filter latency p50/p99 and /healthz p50/p99 at rest and
 * during the burst, and how often the service's event loop was held over 20 ms (loop-gaps.cjs,
 * preloaded; with `--profile`, the windows to give tools/bench/long-tasks.ts). `--repo DIR`
 * serves another checkout's build, for a before-and-after; benches started together take turns
 * at the bursts (a lock in .bench/).
 * A measurement, not a test. The service keeps its state in .bench/filter-burst-<size>-<label>.
 */

const OPTIONS = {
  size: { type: 'string', value: 'N', default: '100000', help: 'files in the corpus' },
  queries: { type: 'string', value: 'N', default: '300', help: 'distinct filter queries' },
  clients: { type: 'string', value: 'N', default: '8', help: 'clients sending them' },
  repo: { type: 'string', value: 'DIR', help: 'serve this checkout (its dist/) instead' },
  profile: { type: 'string', value: 'DIR', help: "write the service's .cpuprofile into DIR" },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/filter-burst.ts',
  about: 'A burst of distinct filter queries against the served bench corpus, /healthz sampled.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const [SIZE, QUERIES, CLIENTS] = [args.size, args.queries, args.clients].map(Number) as [
  number,
  number,
  number,
];
for (const [name, n] of [
  ['size', SIZE],
  ['queries', QUERIES],
  ['clients', CLIENTS],
] as const)
  if (!Number.isInteger(n) || n < 1) usageError(TOOL, OPTIONS, `--${name} must be a whole number`);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORK = path.join(ROOT, '.bench');

/** Words of the sample articles the corpus is made of: patterns that match some, miss others. */
const WORDS = ['数字', '经济', '发展', '湖南', '产业', '建设', '企业', '文化', '城市', '创新'];

/**
 * The i-th query: five patterns over four fields, distinct from every other by its numbers. A
 * `hit` query matches many articles (a scan may stop at the feed limit); a miss matches none, so
 * a filter over the whole history looks at every article.
 */
function burstQuery(i: number, hit: boolean): string {
  const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length]!;
  return new URLSearchParams({
    filter: hit ? `${w(0)}|${w(1)}|q${i}` : `q${i}q|${w(0)}${w(1)}${w(2)}${i}`,
    filter_title: `${w(2)}|x${i}y`,
    filterout: `z${i}z|${w(3)}${w(4)}`,
    filterout_description: `never${i}`,
    filter_category: `.|c${i}`,
  }).toString();
}

function getBr(agent: http.Agent, port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: urlPath, agent, headers: { 'accept-encoding': 'br' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
  });
}

async function burst(port: number, hit: boolean): Promise<{ samples: Sample[]; seconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < QUERIES) {
        const query = burstQuery(next++, hit);
        const t = performance.now();
        const status = await getBr(agent, port, `/rss.xml?${query}`);
        samples.push({ ms: performance.now() - t, status });
      }
    }),
  );
  agent.destroy();
  return { samples, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const seeds = await cachedCorpus(WORK, SIZE, path.join(ROOT, 'seeds'));
  const label = args.repo ? path.basename(path.resolve(args.repo)) : 'this';
  const state = path.join(WORK, `filter-burst-${SIZE}-${label}`);
  const dirs = { seeds, out: path.join(state, 'out'), data: path.join(state, 'data') };
  await mkdir(dirs.data, { recursive: true });
  const port = await freePort();
  // Every turn of the service's event loop that took over 20 ms (loop-gaps.cjs, preloaded).
  const gapsFile = path.join(state, 'loop-gaps.json');
  process.env.SEEDFEED_LOOP_GAPS = gapsFile;
  const nodeArgs = [
    '--require',
    path.join(ROOT, 'tools/bench/loop-gaps.cjs'),
    ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : []),
  ];
  const start = { ...dirs, port, repo: args.repo, nodeArgs };
  // No rescans during the bursts (a walk of 100,000 files every minute, the default): the
  // figures are the filters'. The service inherits the environment.
  process.env.SEEDFEED_CRON = '0 0 1 1 *';
  process.env.SEEDFEED_WATCH = 'false';
  const service = startService(start);
  await service.serving;
  const startSeconds = (performance.now() - service.startedAt) / 1000;

  // Two benches started together (a base and an after, to share one start-up's wait) take
  // turns at the bursts: each measures the service alone.
  await takeTurn(path.join(WORK, 'filter-burst.lock'));
  let idle = true;
  const atRest = await Promise.all([
    probe(port, '/healthz', () => !idle),
    new Promise<void>((r) => setTimeout(() => r(void (idle = false)), 2000)),
  ]);
  const bursts: string[] = [];
  const windows: Array<{ kind: string; fromUs: bigint; toUs: bigint }> = [];
  for (const hit of [true, false]) {
    let running = true;
    const fromUs = clockUs();
    const [health, result] = await Promise.all([
      probe(port, '/healthz', () => !running),
      burst(port, hit).finally(() => (running = false)),
    ]);
    const kind = hit ? 'matching' : 'matching none';
    windows.push({ kind, fromUs, toUs: clockUs() });
    bursts.push(
      summary(`${kind}: filter queries`, result.samples),
      summary(`${kind}: /healthz during the burst`, health),
      row(kind, result, health),
    );
  }
  await service.stop();
  const gaps = JSON.parse(await readFile(gapsFile, 'utf8')) as Array<[number, number]>;
  process.stdout.write(
    [
      `filter burst: ${SIZE} files (served after ${startSeconds.toFixed(0)} s), ${label}, ${QUERIES} distinct 5-pattern queries per burst, ${CLIENTS} clients, br`,
      summary('/healthz at rest (2 s)', atRest[0]),
      '| burst | throughput | filter p50 | filter p99 | /healthz p50 | /healthz p99 | statuses |',
      ...bursts,
      'event loop held over 20 ms during each burst (in the service):',
      ...windows.map((w) => loopGaps(w, gaps)),
      '',
    ].join('\n'),
  );
}

/** Waits until `lock` (a directory) can be made; it is removed when this process exits. */
async function takeTurn(lock: string): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock);
      process.once('exit', () => rmdirSync(lock));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await sleep(1000);
    }
  }
}

/** Microseconds of the clock .cpuprofile files use (CLOCK_MONOTONIC, in any process). */
const clockUs = () => process.hrtime.bigint() / 1000n;

/** How often, how long in all and at most the service's loop was held during a burst. */
function loopGaps(
  w: { kind: string; fromUs: bigint; toUs: bigint },
  gaps: ReadonlyArray<[number, number]>,
): string {
  const inside = gaps
    .filter(([, to]) => to >= w.fromUs && to <= w.toUs)
    .map(([f, t]) => (t - f) / 1000);
  const total = inside.reduce((s, ms) => s + ms, 0);
  const max = Math.max(0, ...inside);
  const profile = args.profile ? ` (long-tasks.ts --from-us ${w.fromUs} --to-us ${w.toUs})` : '';
  return `${w.kind}: ${inside.length} turns over 20 ms, ${total.toFixed(0)} ms in all, longest ${max.toFixed(0)} ms${profile}`;
}

const sorted = (s: readonly Sample[]) => s.map((x) => x.ms).sort((a, b) => a - b);
const at = (ms: number[], q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;

/** A table row: throughput, filter p50/p99, /healthz p50/p99, statuses. */
function row(kind: string, result: { samples: Sample[]; seconds: number }, health: Sample[]) {
  const filter = sorted(result.samples);
  const h = sorted(health);
  const statuses = [...new Set(result.samples.map((s) => s.status))].join('/');
  return `| ${kind} | ${(QUERIES / result.seconds).toFixed(1)} q/s | ${at(filter, 0.5).toFixed(0)} ms | ${at(filter, 0.99).toFixed(0)} ms | ${at(h, 0.5).toFixed(1)} ms | ${at(h, 0.99).toFixed(1)} ms | ${statuses} |`;
}

await main();
