/**
 * The work between a watcher's report and the swap, in one process: a Pipeline (no export, as
 * serve's swap comes before its export) over a hard-linked copy of a corpus, then one-file
 * changes (new, edit, delete) each run with the path the watcher would report. Prints, per kind,
 * the median and worst of: the scan (stat, read, parse in a worker, catalog update) and
 * Site.create, and the heap the run allocated. No debounce, no HTTP: what serve adds on top is in
 * the freshness bench.
 *
 *   node --import tsx tools/bench/swap-path.ts --files 100000 [--changes 15] [--cpu-prof-change]
 *
 * Under `node --cpu-prof`, the printed `window` line (process.hrtime, microseconds) marks the
 * changes, for `tools/bench/cpu-profile.ts FILE TOP FROM TO`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { Pipeline } from '../../src/pipeline.js';
import { ParsePool } from '../../src/workers/pool.js';
import { cachedCorpus } from './corpus-cache.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    changes: { type: 'string', default: '15' },
  },
});
const REPO = path.resolve(import.meta.dirname, '../..');
const work = path.join(REPO, '.bench');
const size = Number(values.files);
const corpus = await cachedCorpus(work, size, path.join(REPO, 'seeds'));
// Hard links: the copy costs no data, and a change here never reaches the cached corpus (an edit
// unlinks its target first).
const seeds = path.join(work, `swap-${size}`);
await rm(seeds, { recursive: true, force: true });
execFileSync('cp', ['-al', corpus, seeds]);

const config = loadConfig({ seeds, out: path.join(work, `swap-${size}-out`) }, {});
const pool = new ParsePool();
let mark = { scanned: 0, made: 0 };
const pipeline = new Pipeline({
  settings: config,
  parser: pool,
  hooks: {
    scanned: () => (mark.scanned = performance.now()),
    siteMade: () => {
      mark.made = performance.now();
    },
  },
});

const t0 = performance.now();
await pipeline.run();
await pool.release();
console.log(`first run: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const token = Date.now().toString(36);
const body = (i: number, kind: string) =>
  // Dated now, as a crawler's new article is: the newest, in every feed of its groups.
  `---\ntitle: 新鲜 ${kind} ${token} ${i}\ndate: ${new Date().toISOString()}\ncategories: [科技, 财经]\nauthor: 中新网\n---\n\n` +
  `这是第 ${i} 篇${kind}测试文章，${token}。`.repeat(40 + i) +
  '\n';

type Kind = 'new' | 'edit' | 'delete';
/** What a reader's first request for the new /rss.xml waits for: its gzip and brotli bytes. */
const compressMs: Record<'gzip' | 'br', number[]> = { gzip: [], br: [] };
const times: Record<Kind, { scan: number[]; site: number[]; heap: number[] }> = {
  new: { scan: [], site: [], heap: [] },
  edit: { scan: [], site: [], heap: [] },
  delete: { scan: [], site: [], heap: [] },
};
const changes = Number(values.changes);
const changesFrom = process.hrtime.bigint();
for (let i = 0; i < changes; i++) {
  for (const kind of ['new', 'edit', 'delete'] as const) {
    const file = path.join(seeds, `swap-${token}-${i}.md`);
    if (kind === 'delete') await unlink(file);
    else {
      if (existsSync(file)) await unlink(file);
      await writeFile(file, body(i, kind));
    }
    // Past the racy window's reach is not needed: a reported path is always looked at.
    const heap = process.memoryUsage().heapUsed;
    const start = performance.now();
    mark = { scanned: 0, made: 0 };
    const run = await pipeline.run({ paths: [file] });
    if (run.outcome !== 'built') throw new Error(`${kind} ${i}: ${run.outcome}`);
    times[kind].scan.push(mark.scanned - start);
    times[kind].site.push(mark.made - mark.scanned);
    times[kind].heap.push((process.memoryUsage().heapUsed - heap) / 1e6);
    if (kind === 'new') {
      const feed = run.site.get('/rss.xml')!;
      for (const encoding of ['gzip', 'br'] as const) {
        const from = performance.now();
        await feed.variant(encoding);
        compressMs[encoding].push(performance.now() - from);
      }
    }
  }
}

console.log(`window ${changesFrom / 1000n} ${process.hrtime.bigint() / 1000n}`);

// Without the watcher: the scheduled rescan walks everything. An unchanged one (what a stat walk
// of the tree costs here) against one that finds a new file, alternately.
const rescans = { unchanged: [] as number[], oneNew: [] as number[] };
for (let i = 0; i < 7; i++) {
  let from = performance.now();
  if ((await pipeline.run()).outcome !== 'unchanged') throw new Error('an unchanged rescan built');
  rescans.unchanged.push(performance.now() - from);
  const file = path.join(seeds, `swap-${token}-cron-${i}.md`);
  await writeFile(file, body(100 + i, 'cron'));
  from = performance.now();
  if ((await pipeline.run()).outcome !== 'built')
    throw new Error('a one-file rescan did not build');
  rescans.oneNew.push(performance.now() - from);
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const worst = (v: number[]) => Math.max(...v);
const f = (v: number[]) => `${median(v).toFixed(1)} / ${worst(v).toFixed(1)}`;
console.log(`${size} files, ${changes} changes of each kind: median / worst, ms`);
console.log('| change | scan → catalog | Site.create | scan-to-swap | heap grown, MB |');
console.log('| --- | --- | --- | --- | --- |');
for (const kind of ['new', 'edit', 'delete'] as const) {
  const t = times[kind];
  const total = t.scan.map((s, i) => s + t.site[i]!);
  console.log(
    `| ${kind} | ${f(t.scan)} | ${f(t.site)} | ${f(total)} | ${median(t.heap).toFixed(1)} |`,
  );
}
console.log(
  `whole rescan (no watcher), median / worst, ms: nothing changed ${f(rescans.unchanged)}; ` +
    `one new file ${f(rescans.oneNew)} (+${(median(rescans.oneNew) - median(rescans.unchanged)).toFixed(1)} ms)`,
);
const last = await pipeline.run();
const feedBytes = last.outcome === 'failed' ? NaN : last.site.get('/rss.xml')!.body.length;
console.log(
  `/rss.xml (${(feedBytes / 1024).toFixed(0)} KB) compressed on first request, median / worst: ` +
    `gzip ${f(compressMs.gzip)} ms, br ${f(compressMs.br)} ms`,
);
await pool.close();
await rm(seeds, { recursive: true, force: true });
