import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { cachedCorpus } from './corpus-cache.js';
import { sentencesFrom } from './corpus.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { prepareTree } from './fresh-tree.js';
import { Changes, get, KINDS, msUntil, quiet, type Kind } from './freshness-ops.js';
import {
  cpuMsOf,
  freePort,
  memoryOf,
  startService,
  type Memory,
  type ScanEvent,
  type ServiceProcess,
} from './service-process.js';

/**
 * The freshness figures of one corpus size: the built service over a hard-linked copy of the
 * corpus (fresh-tree.ts), its first scan and memory, `changes` new files, edits and deletes with
 * the watcher on and the default debounce (write → served each), a restart over the same tree
 * and export, and a CPU profile of one one-file change.
 */

export interface FreshnessOptions {
  /** The bench's working directory (.bench/), where corpora are cached. */
  readonly work: string;
  readonly samplesDir: string;
  /** How many changes of each kind. */
  readonly changes: number;
  readonly profile: boolean;
}

export interface FreshnessResult {
  readonly size: number;
  readonly articles: number;
  /** Spawn → the first scan's Site served (the "serving" line). */
  readonly firstServedMs: number;
  /** The first scan as the service logs it. */
  readonly firstScanMs: number;
  readonly afterFirstScan: Memory;
  /** SETTLED_MS after the "serving" line: the full collection serve makes after a big scan is done. */
  readonly settled: Memory;
  readonly afterChanges: Memory;
  readonly latencies: Readonly<Record<Kind, readonly number[]>>;
  /** Changes not served within two minutes. */
  readonly missed: Readonly<Record<Kind, number>>;
  /**
   * The scans the changes set off (every scan after the first but the scheduled ones), as
   * logged; each follows one file's change (its `changed` also counts files re-read as racy).
   */
  readonly oneFileScansMs: readonly number[];
  /**
   * The service's CPU time (all threads) over the changes, per change: polling included, and
   * less disturbed than wall-clock figures when other work shares the cores.
   */
  readonly cpuPerChangeMs: number;
  /** Spawn of a second service over the same tree and export → /rss.xml answers 200. */
  readonly restartMs: number;
  /** Files the restart's first scan treated as changed, and how long that scan took. */
  readonly restartChanged: number;
  readonly restartScanMs: number;
  readonly profile?: { readonly file: string; readonly summary: ProfileSummary };
}

const describeScan = (s: ScanEvent) =>
  `${s.reason}, ${s.changed} changed, ${s.removed} removed, ${s.duration_ms} ms`;
const FIRST_SCAN_LIMIT_MS = 30 * 60_000;
/** After a big scan serve collects its heap 0.1 s later and its young generation 6 s later (workers/heap.ts). */
const SETTLED_MS = 10_000;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function started(service: ServiceProcess): Promise<void> {
  await Promise.race([
    service.serving,
    new Promise((_, reject) =>
      setTimeout(
        () => reject(new Error('no first scan in 30 minutes')),
        FIRST_SCAN_LIMIT_MS,
      ).unref(),
    ),
  ]);
}

export async function measureFreshness(
  size: number,
  options: FreshnessOptions,
): Promise<FreshnessResult> {
  const corpus = await cachedCorpus(options.work, size, options.samplesDir);
  const sentences = await sentencesFrom(options.samplesDir);
  const dir = path.join(options.work, `fresh-${size}`);
  log(`freshness, ${size} files: hard-linking the corpus into ${dir} …`);
  const tree = await prepareTree(corpus, dir, options.changes + 1, sentences);
  const port = await freePort();
  const start = (nodeArgs: string[] = []) => startService({ ...tree, port, nodeArgs });

  log(`  first scan …`);
  const first = start();
  await started(first);
  const firstServedMs = performance.now() - first.startedAt;
  const afterFirstScan = memoryOf(first.child.pid!);
  const health = JSON.parse((await get(`${first.origin}/healthz`)).text) as { articles: number };
  const firstScanMs = first.scans[0]?.duration_ms ?? NaN;
  await new Promise((resolve) =>
    setTimeout(resolve, SETTLED_MS - (performance.now() - first.startedAt - firstServedMs)),
  );
  const settled = memoryOf(first.child.pid!);

  log(`  ${options.changes} × new, edit, delete …`);
  const changes = new Changes(tree, first.origin, sentences);
  const latencies: Record<Kind, number[]> = { new: [], edit: [], delete: [] };
  const missed: Record<Kind, number> = { new: 0, edit: 0, delete: 0 };
  const scansBefore = first.scans.length;
  const cpuBefore = cpuMsOf(first.child.pid!);
  for (let i = 0; i < options.changes; i++)
    for (const kind of KINDS) {
      await quiet(first.origin);
      const scansSoFar = first.scans.length;
      const ms = await changes.make(kind);
      if (ms === undefined) missed[kind]++;
      else latencies[kind].push(ms);
      // A scan's log line comes after its export, later than the change is served.
      await quiet(first.origin);
      const scans = first.scans.slice(scansSoFar).map(describeScan).join(', ');
      log(
        `    ${kind}: ${ms === undefined ? 'not served' : `${ms.toFixed(0)} ms`} (scans: ${scans})`,
      );
    }
  await quiet(first.origin);
  const oneFileScansMs = first.scans
    .slice(scansBefore)
    .filter((s) => !s.reason.split(', ').includes('schedule'))
    .map((s) => s.swap_ms ?? s.duration_ms);
  const afterChanges = memoryOf(first.child.pid!);
  const cpuPerChangeMs = (cpuMsOf(first.child.pid!) - cpuBefore) / (3 * options.changes);
  await first.stop();

  // The restart also gives the profile (one start fewer at 100,000 files): sampling every
  // millisecond costs it a few percent.
  log(`  restart${options.profile ? ', then a CPU profile of one new file' : ''} …`);
  const profDir = path.join(options.work, `profile-${size}-${Date.now()}`);
  const again = start(options.profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []);
  const restartMs =
    (await msUntil(
      `${again.origin}/rss.xml`,
      (r) => r.status === 200,
      again.startedAt,
      FIRST_SCAN_LIMIT_MS,
    )) ?? NaN;
  await started(again);
  const restartScan = again.scans[0];
  const window = options.profile ? await oneProfiledChange(again, changes) : undefined;
  await again.stop();

  const result = {
    size,
    articles: health.articles,
    firstServedMs,
    firstScanMs,
    afterFirstScan,
    settled,
    afterChanges,
    latencies,
    missed,
    oneFileScansMs,
    cpuPerChangeMs,
    restartMs,
    restartChanged: restartScan?.changed ?? NaN,
    restartScanMs: restartScan?.duration_ms ?? NaN,
  };
  if (!window) return result;
  const main = (await readdir(profDir)).find((f) => f.includes(`.${again.child.pid}.0.`));
  if (!main) throw new Error(`no main-thread profile in ${profDir}`);
  const file = path.join(profDir, main);
  return { ...result, profile: { file, summary: summarizeProfile(file, window) } };
}

/** One new file, once the service is quiet; the window from the write to the change served, on the profile's clock. */
async function oneProfiledChange(
  service: ServiceProcess,
  changes: Changes,
): Promise<{ fromUs: number; toUs: number }> {
  await quiet(service.origin);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  await changes.make('new');
  const toUs = Number(process.hrtime.bigint() / 1000n);
  await quiet(service.origin);
  return { fromUs, toUs };
}
