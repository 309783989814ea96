import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../../src/dedupe/defaults.js';
import type { Run } from '../../src/pipeline.js';
import { parseToolArgs, usageError } from '../shared/args.js';
import { fromDist } from '../shared/product.js';
import { readAndHashFloor, statWalkFloor } from './floor.js';

const { Pipeline } = await fromDist<typeof import('../../src/pipeline.js')>('pipeline.js');
const { ParsePool } = await fromDist<typeof import('../../src/workers/pool.js')>('workers/pool.js');

/**
 * One benchmark run in a process of its own (so its memory figures are its own): a cold build of
 * `seeds` into `out`, then rescans with nothing changed and with one file changed, each next to
 * its floor measured in the same process. Prints one JSON object.
 */
const OPTIONS = {
  seeds: { type: 'string', value: 'DIR', help: 'the corpus (required)' },
  out: { type: 'string', value: 'DIR', help: 'where to export it, emptied first (required)' },
  // 0 is the exact-hash-only scan the near-dup cost is measured against.
  'near-dup-threshold': {
    type: 'string',
    value: 'T',
    default: String(DEFAULT_NEAR_DUP_THRESHOLD),
    help: 'near-duplicate threshold; 0: exact hashes only',
  },
} as const;
const TOOL = {
  command: 'node --expose-gc --import tsx tools/bench/build-child.ts',
  about: 'One run of the benchmark, started by tools/bench/run.ts; prints one JSON object.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const seedsDir = args.seeds ?? usageError(TOOL, OPTIONS, '--seeds is required');
const outDir = args.out ?? usageError(TOOL, OPTIONS, '--out is required');
const nearDupThreshold = Number(args['near-dup-threshold']);
const options = { baseUrl: 'https://bench.example', siteTitle: 'seedfeed bench', limit: 50 };
const scanOptions = {
  seedsDir,
  extensions: ['.md', '.markdown', '.txt', '.html', '.htm'],
  maxFileBytes: 5 << 20,
  nearDupThreshold,
};
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const floorCold = readAndHashFloor(seedsDir);

await rm(outDir, { recursive: true, force: true });
const pool = new ParsePool();
const cpuMs = () => {
  const u = process.cpuUsage(); // every thread of the process, the parse workers included
  return (u.user + u.system) / 1000;
};
const started = performance.now();
const cpuStarted = cpuMs();
let coldScan: { ms: number; cpuMs: number } | undefined;
// What build and serve run, without the state file: every benchmark run starts cold.
const pipeline = new Pipeline({
  settings: { ...scanOptions, ...options },
  parser: pool,
  clock: () => new Date(0),
  export: { outDir, state: false, pageWriter: pool },
  hooks: {
    scanned: () =>
      void (coldScan ??= { ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted }),
  },
});
const built = (run: Run) => {
  if (run.outcome === 'failed') throw run.error;
  return run;
};
const cold = built(await pipeline.run());
if (cold.outcome !== 'built' || !cold.exported) throw new Error('the cold run did not export');
const { ms: scanMs, cpuMs: scanCpuMs } = coldScan!;
const exported = cold.exported;
let site = cold.site;
const coldMs = performance.now() - started;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
await pool.close();
gc();
gc();
const after = process.memoryUsage();

/** What the live service does on each rescan: scan; if anything changed, build the Site (reusing unchanged outputs) and export the difference. */
async function rescan(): Promise<number> {
  const t = performance.now();
  site = built(await pipeline.run()).site;
  return performance.now() - t;
}

const unchanged: number[] = [];
const stats: number[] = [];
for (let i = 0; i < 3; i++) {
  stats.push(statWalkFloor(seedsDir).ms);
  unchanged.push(await rescan());
}

// The newest article's file: a change there must show in the all-articles feed.
const changeFile = path.join(seedsDir, site.catalog.articles[0]!.bodySource);
const original = await readFile(changeFile);
const oneChanged: number[] = [];
let visible = false;
for (let i = 0; i < 3; i++) {
  // An edit inside the body (the end of a plain-text file is its related-links list, not body).
  await writeFile(changeFile, original.toString('utf8').replace('。', `。bench edit ${i}。`));
  oneChanged.push(await rescan());
  visible = Buffer.from(site.get('/rss.xml')!.body).includes(`bench edit ${i}`) || visible;
}
await writeFile(changeFile, original);

process.stdout.write(
  `${JSON.stringify({
    files: cold.site.catalog.files,
    articles: cold.site.catalog.articles.length,
    duplicates: cold.site.catalog.duplicates,
    nearDupThreshold,
    nearDuplicates: cold.site.catalog.nearDuplicates ?? 0,
    rejected: cold.site.catalog.rejected.length,
    written: exported.written,
    scanMs,
    scanCpuMs,
    coldMs,
    floorColdMs: floorCold.ms,
    unchangedMs: median(unchanged),
    statWalkMs: median(stats),
    oneChangedMs: median(oneChanged),
    oneChangedVisibleInAllFeed: visible,
    peakRssMb,
    rssAfterMb: after.rss / 1e6,
    heapAfterMb: after.heapUsed / 1e6,
  })}\n`,
);
