import { describeFsError, type Io } from './io.js';
import type { Config } from '../config.js';
import { layoutRefusal } from '../export/layout.js';
import { STATE_FILE } from '../export/state.js';
import { intervalSeconds } from '../live/schedule.js';
import { Pipeline } from '../pipeline.js';
import { ParsePool } from '../workers/pool.js';
import { progressReporter } from './progress.js';

/** `seedfeed build`: one scan, the whole URL space exported, state saved for the next run. */
export async function runBuild(
  config: Config,
  io: Io,
  isTty = process.stderr.isTTY === true,
): Promise<number> {
  const started = performance.now();
  const refused = layoutRefusal(config); // before anything is read or written
  if (refused) {
    io.err(`seedfeed: ${refused}\n`);
    return 2;
  }
  const parsing = progressReporter(isTty, io.err, 'parsing');
  const progress = progressReporter(isTty, io.err, 'writing');
  const pool = new ParsePool();
  // A build parses every file unless the snapshot in --out is current: start the workers now.
  pool.prestart();
  pool.onProgress = parsing.update;
  pool.onWarning = (warning) => io.err(`seedfeed: warning: ${warning}\n`);
  const pipeline = new Pipeline({
    settings: config,
    parser: pool,
    export: {
      outDir: config.outDir,
      state: true,
      pageWriter: pool,
      // Nothing after the pages needs the workers: their heaps (~150 MB at 100,000 files) go
      // before the main thread's own peak, rendering the archives and saving the state.
      release: () => pool.close(),
      // The Cache-Control serve would send (live/assemble.ts), for the export's nginx and static-host files.
      deploy: { maxAge: Math.min(intervalSeconds(config.cron), 300) },
      precompress: config.precompress,
    },
    hooks: {
      stateDamaged: (reason) =>
        io.err(
          `seedfeed: warning: ${STATE_FILE} in ${config.outDir} is damaged (${reason}); starting afresh\n`,
        ),
      scanned: parsing.done,
      exportProgress: progress.update,
      exported: progress.done,
      exportWarning: (warning) => io.err(`seedfeed: warning: ${warning}\n`),
    },
  });
  try {
    const run = await pipeline.run();
    if (run.outcome === 'failed' && run.stage === 'scan') {
      io.err(`seedfeed: cannot scan ${config.seedsDir}: ${describeFsError(run.error)}\n`);
      return 1;
    }
    if (run.outcome === 'failed') {
      progress.done();
      io.err(`seedfeed: cannot write ${config.outDir}: ${describeFsError(run.error)}\n`);
      return 1;
    }
    // 'unchanged' only ever follows an earlier run of the same pipeline.
    if (run.outcome !== 'built' || !run.exported)
      throw new Error('the first run of a pipeline with an export target did not export');
    const { site, exported } = run;
    const { catalog } = site;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    io.out(
      `built ${config.outDir}: ${site.size} files (${exported.written} written, ${exported.unchanged} unchanged, ${exported.removed} removed) ` +
        `from ${catalog.files} seed files: ${catalog.articles.length} articles, ${catalog.categories.length} categories, ` +
        `${catalog.duplicates} duplicates merged${catalog.nearDuplicates ? ` (${catalog.nearDuplicates} near-duplicates)` : ''}, ${catalog.rejected.length} rejected in ${seconds} s\n`,
    );
    for (const r of catalog.rejected) io.out(`  rejected ${r.file}: ${r.reason}\n`);
  } finally {
    await pool.close();
  }
  return 0;
}
