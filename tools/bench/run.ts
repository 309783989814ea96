import { execFile, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../../src/dedupe/defaults.js';
import { cachedCorpus } from './corpus-cache.js';
import { FRESHNESS_OPTIONS, freshnessReport } from './freshness.js';
import { coldRounds, median, type Contender } from './cold-rounds.js';
import { hugoVersion } from './hugo.js';
import { parseToolArgs, wholeNumber, wholeNumbers } from '../shared/args.js';
import { tsxNodeArgs } from '../shared/tsx.js';

const OPTIONS = {
  sizes: {
    type: 'string',
    value: 'N,N',
    default: '10000,100000',
    help: 'corpus sizes in files, each generated once under .bench/',
  },
  'skip-http': { type: 'boolean', help: 'no HTTP rows (they need wrk)' },
  'skip-hugo': { type: 'boolean', help: 'no Hugo contender (it needs hugo)' },
  before: {
    type: 'string',
    value: 'DIR',
    help: 'another checkout (dist/ built) whose cold build runs in the same rounds',
  },
  rounds: { type: 'string', value: 'N', default: '3', help: 'alternating cold-build rounds' },
  'out-root': {
    type: 'string',
    value: 'DIR',
    help: 'where the cold builds write (default .bench/cold-N); a tmpfs (/dev/shm) takes the disk out of both',
  },
  'with-precompress': {
    type: 'boolean',
    help: 'a cold-build contender with --precompress too (.gz and .br siblings of feeds and lists)',
  },
  'cold-only': {
    type: 'boolean',
    help: 'only the cold-build table (seedfeed [before] vs Hugo), no rescan, HTTP or freshness rows',
  },
  'skip-freshness': {
    type: 'boolean',
    help: 'no freshness table (write → served with the watcher on, restart, memory)',
  },
  ...FRESHNESS_OPTIONS,
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/run.ts',
  about:
    'Generates the corpora (once, under .bench/), then prints one table in which every seedfeed figure\n' +
    'stands next to a baseline measured in the same run. Not a test: nothing here passes or fails.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const sizes = wholeNumbers(TOOL, OPTIONS, 'sizes', args.sizes);
wholeNumber(TOOL, OPTIONS, 'rounds', args.rounds);
wholeNumber(TOOL, OPTIONS, 'changes', args.changes);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = path.join(root, '.bench');
const run = promisify(execFile);

interface Row {
  readonly what: string;
  readonly seedfeed: string;
  readonly baseline: string;
  readonly ratio: string;
}
const rows: Row[] = [];
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

const corpus = (size: number) => cachedCorpus(work, size, path.join(root, 'seeds'));

async function buildRows(size: number): Promise<void> {
  const seeds = await corpus(size);
  const child = async (threshold: number) => {
    process.stderr.write(
      `cold build + rescans of ${size} files, near-dup threshold ${threshold} …\n`,
    );
    const { stdout } = await run(
      process.execPath,
      [
        '--expose-gc',
        ...tsxNodeArgs(
          new URL('./build-child.ts', import.meta.url),
          '--seeds',
          seeds,
          '--out',
          path.join(work, `out-${size}`),
          '--near-dup-threshold',
          String(threshold),
        ),
      ],
      {
        maxBuffer: 1 << 20,
      },
    );
    return JSON.parse(stdout) as Record<string, number>;
  };
  // The same build with near-duplicate detection off (exact hashes only) and at the default.
  const exact = await child(0);
  const r = await child(DEFAULT_NEAR_DUP_THRESHOLD);
  const n = size.toLocaleString('en');
  const perSecond = (ms: number) =>
    `${Math.round((r.files! / ms) * 1000).toLocaleString('en')} files/s`;
  rows.push({
    what: `cold build, ${n} files (${r.articles} articles, ${r.duplicates} dup.)`,
    seedfeed: `${fmt(r.coldMs!)} (${perSecond(r.coldMs!)})`,
    baseline: `read+sha256 floor ${fmt(r.floorColdMs!)}`,
    ratio: ratio(r.coldMs!, r.floorColdMs!),
  });
  rows.push({
    what: `rescan, nothing changed, ${n} files`,
    seedfeed: fmt(r.unchangedMs!),
    baseline: `stat walk ${fmt(r.statWalkMs!)}`,
    ratio: ratio(r.unchangedMs!, r.statWalkMs!),
  });
  rows.push({
    what: `rescan, one file changed, ${n} files${r.oneChangedVisibleInAllFeed ? '' : ' (change NOT visible!)'}`,
    seedfeed: fmt(r.oneChangedMs!),
    baseline: `unchanged rescan ${fmt(r.unchangedMs!)}`,
    ratio: `+${fmt(r.oneChangedMs! - r.unchangedMs!)}`,
  });
  rows.push({
    what: `memory after the ${n}-file scan`,
    seedfeed: `RSS ${r.rssAfterMb!.toFixed(0)} MB, heap ${r.heapAfterMb!.toFixed(0)} MB`,
    baseline: `peak RSS ${r.peakRssMb!.toFixed(0)} MB`,
    ratio: '',
  });
  const plus = (a: number, b: number) =>
    `${a >= b ? '+' : '−'}${Math.abs((a / b - 1) * 100).toFixed(1)}%`;
  rows.push({
    what: `near-dup ${DEFAULT_NEAR_DUP_THRESHOLD}: cold scan, ${n} files (${r.nearDuplicates} near-dup. merged)`,
    seedfeed: fmt(r.scanMs!),
    baseline: `exact-hash scan ${fmt(exact.scanMs!)}`,
    ratio: plus(r.scanMs!, exact.scanMs!),
  });
  rows.push({
    what: `near-dup ${DEFAULT_NEAR_DUP_THRESHOLD}: cold scan CPU time (all threads), ${n} files`,
    seedfeed: fmt(r.scanCpuMs!),
    baseline: `exact-hash scan ${fmt(exact.scanCpuMs!)}`,
    ratio: plus(r.scanCpuMs!, exact.scanCpuMs!),
  });
  rows.push({
    what: `near-dup ${DEFAULT_NEAR_DUP_THRESHOLD}: cold build, ${n} files`,
    seedfeed: fmt(r.coldMs!),
    baseline: `exact-hash build ${fmt(exact.coldMs!)}`,
    ratio: plus(r.coldMs!, exact.coldMs!),
  });
  rows.push({
    what: `near-dup ${DEFAULT_NEAR_DUP_THRESHOLD}: memory after the ${n}-file scan`,
    seedfeed: `RSS ${r.rssAfterMb!.toFixed(0)} MB, heap ${r.heapAfterMb!.toFixed(0)} MB`,
    baseline: `exact-hash RSS ${exact.rssAfterMb!.toFixed(0)} MB, heap ${exact.heapAfterMb!.toFixed(0)} MB`,
    ratio: `heap ${plus(r.heapAfterMb!, exact.heapAfterMb!)}, RSS ${plus(r.rssAfterMb!, exact.rssAfterMb!)}`,
  });
  rows.push({
    what: `near-dup ${DEFAULT_NEAR_DUP_THRESHOLD}: peak RSS, ${n} files`,
    seedfeed: `${r.peakRssMb!.toFixed(0)} MB`,
    baseline: `exact-hash ${exact.peakRssMb!.toFixed(0)} MB`,
    ratio: plus(r.peakRssMb!, exact.peakRssMb!),
  });
  rows.push({
    what: `near-dup ${DEFAULT_NEAR_DUP_THRESHOLD}: rescan, nothing changed, ${n} files`,
    seedfeed: fmt(r.unchangedMs!),
    baseline: `exact-hash ${fmt(exact.unchangedMs!)}`,
    ratio: plus(r.unchangedMs!, exact.unchangedMs!),
  });
  rows.push({
    what: `near-dup ${DEFAULT_NEAR_DUP_THRESHOLD}: rescan, one file changed, ${n} files`,
    seedfeed: fmt(r.oneChangedMs!),
    baseline: `exact-hash ${fmt(exact.oneChangedMs!)}`,
    ratio: `+${fmt(r.oneChangedMs! - exact.oneChangedMs!)}`,
  });
}

/** Cold builds as processes, A B H rounds; medians, with Hugo's figures as the ratios' base. */
async function coldTable(size: number): Promise<string> {
  const seeds = await corpus(size);
  const hugo = !args['skip-hugo'] && hugoVersion() !== undefined;
  const outRoot = args['out-root'] && path.resolve(args['out-root'], `cold-${size}`);
  const contenders = coldRounds({
    seeds,
    work: path.join(work, `cold-${size}`),
    outRoot,
    checkout: root,
    before: args.before && path.resolve(args.before),
    precompress: args['with-precompress'],
    hugo,
    rounds: Number(args.rounds),
  });
  const outs = outRoot ?? path.join(work, `cold-${size}`);
  const articles = readdirSync(path.join(outs, 'out-seedfeed', 'articles')).length;
  const base = contenders.find((c) => c.name === 'hugo');
  const m = (c: Contender, f: (t: Contender['timings'][number]) => number) =>
    median(c.timings.map(f));
  const wall = (c: Contender) => m(c, (t) => t.wallS);
  const cpu = (c: Contender) => m(c, (t) => t.userS + t.sysS);
  const lines = [
    `cold build, ${size.toLocaleString('en')} files (${articles.toLocaleString('en')} articles), ${args.rounds} alternating rounds, medians${hugo ? `; ${hugoVersion()} builds the same outputs` : ''}; written under ${outs}`,
    '| contender | wall (each round) | user | sys | peak RSS | output, per article | wall ÷ hugo | CPU ÷ hugo |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of contenders) {
    const perArticle = (c.outBytes ?? 0) / articles / 1024;
    lines.push(
      `| ${c.name} | ${wall(c).toFixed(2)} s (${c.timings.map((t) => t.wallS.toFixed(1)).join(', ')}) | ${m(c, (t) => t.userS).toFixed(1)} s | ${m(c, (t) => t.sysS).toFixed(1)} s | ${m(c, (t) => t.peakRssMb).toFixed(0)} MB | ${((c.outBytes ?? 0) / 1e6).toFixed(0)} MB, ${perArticle.toFixed(1)} KB | ${base ? ratio(wall(c), wall(base)) : ''} | ${base ? ratio(cpu(c), cpu(base)) : ''} |`,
    );
  }
  return lines.join('\n');
}

function wrk(url: string, headers: Record<string, string> = {}): { rps: number; p99: string } {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const cpu =
    spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() === '1' ? [] : ['taskset', '-c', '1'];
  const cmd = [...cpu, 'wrk', '-t1', '-c50', '-d5s', '--latency', ...headerArgs, url];
  const out = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' }).stdout;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p99: /^\s*99%\s+(\S+)/m.exec(out)?.[1] ?? '?',
  };
}

async function httpRows(size: number): Promise<void> {
  if (spawnSync('wrk', ['--version']).error) {
    rows.push({
      what: 'HTTP',
      seedfeed: 'skipped: wrk not installed (apt-get install wrk)',
      baseline: '',
      ratio: '',
    });
    return;
  }
  const seeds = await corpus(size);
  process.stderr.write(`HTTP over the ${size}-file site (server on CPU 0, wrk on CPU 1) …\n`);
  const child = spawn(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      ...tsxNodeArgs(new URL('./http-servers.ts', import.meta.url), '--seeds', seeds),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    const s = JSON.parse(line) as {
      seedfeed: number;
      hello: number;
      raw: number;
      feedPath: string;
      feedBytes: number;
      gzipBytes: number;
      etag: string;
      indexBytes: number;
    };
    const at = (port: number, p: string) => `http://127.0.0.1:${port}${p}`;
    const hello = wrk(at(s.hello, '/'));
    const cases: Array<[string, string, string, Record<string, string>]> = [
      [
        `cached category feed, identity (${(s.feedBytes / 1024).toFixed(0)} KB)`,
        s.feedPath,
        '/feed',
        {},
      ],
      [
        `cached category feed, gzip (${(s.gzipBytes / 1024).toFixed(0)} KB)`,
        s.feedPath,
        '/feed',
        { 'Accept-Encoding': 'gzip' },
      ],
      ['304 Not Modified (If-None-Match)', s.feedPath, '/feed', { 'If-None-Match': s.etag }],
      [`index page (${(s.indexBytes / 1024).toFixed(0)} KB)`, '/', '/index', {}],
    ];
    for (const [what, ours, theirs, headers] of cases) {
      const a = wrk(at(s.seedfeed, ours), headers);
      const b = wrk(at(s.raw, theirs), headers);
      rows.push({
        what: `HTTP ${what}`,
        seedfeed: `${Math.round(a.rps).toLocaleString('en')} req/s, p99 ${a.p99}`,
        baseline: `node:http same bytes ${Math.round(b.rps).toLocaleString('en')} req/s, p99 ${b.p99}; Hono hello ${Math.round(hello.rps).toLocaleString('en')} req/s`,
        ratio: ratio(a.rps, b.rps),
      });
    }
  } finally {
    child.kill('SIGTERM');
  }
}

await mkdir(work, { recursive: true });
const coldTables: string[] = [];
for (const size of sizes) coldTables.push(await coldTable(size));
console.log(coldTables.join('\n\n'));
if (args['cold-only']) process.exit(0);
for (const size of sizes) await buildRows(size);
if (!args['skip-http']) await httpRows(Math.min(...sizes));

const widths = (['what', 'seedfeed', 'baseline', 'ratio'] as const).map((k) =>
  Math.max(k.length, ...rows.map((r) => r[k].length)),
);
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(
  `\nseedfeed benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores`,
);
console.log(line(['what', 'seedfeed', 'baseline (same run)', 'ratio']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line([r.what, r.seedfeed, r.baseline, r.ratio]));

if (!args['skip-freshness']) {
  console.log('');
  console.log(await freshnessReport(sizes, Number(args.changes), !args['skip-profile']));
}
