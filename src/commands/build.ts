import { describeFsError, type Io } from './io.js';
import type { Config } from '../config.js';
import { layoutRefusal } from '../export/layout.js';
import { writeSite } from '../export/write-site.js';
import { Scanner } from '../scan/scanner.js';
import { ParsePool } from '../workers/pool.js';
import { loadState, saveState, STATE_FILE } from '../export/state.js';
import { Site } from '../render/site.js';
import { progressReporter } from './progress.js';

/** `seedfeed build`: one scan, the whole URL space exported, state saved for the next run. */
export async function runBuild(config: Config, io: Io, isTty = process.stderr.isTTY === true): Promise<number> {
  const started = performance.now();
  const refused = layoutRefusal(config); // before anything is read or written
  if (refused) {
    io.err(`seedfeed: ${refused}\n`);
    return 2;
  }
  const state = await loadState(config.outDir);
  if (state.damaged) io.err(`seedfeed: warning: ${STATE_FILE} in ${config.outDir} is damaged (${state.damaged}); starting afresh\n`);
  const parsing = progressReporter(isTty, io.err, 'parsing');
  const progress = progressReporter(isTty, io.err, 'writing');
  const pool = new ParsePool();
  pool.onProgress = parsing.update;
  try {
    let result;
    try {
      result = await new Scanner(config, state.memory, pool).scan();
    } catch (error) {
      io.err(`seedfeed: cannot scan ${config.seedsDir}: ${describeFsError(error)}\n`);
      return 1;
    }
    parsing.done();
    const { catalog } = result;
    const site = await Site.create(catalog, config, new Date(), state.validators);
    try {
      const exported = await writeSite(site, config.outDir, { onProgress: progress.update, pageWriter: pool });
      progress.done();
      for (const warning of exported.warnings) io.err(`seedfeed: warning: ${warning}\n`);
      await saveState(config.outDir, state.memory, site);
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      io.out(
        `built ${config.outDir}: ${site.size} files (${exported.written} written, ${exported.unchanged} unchanged, ${exported.removed} removed) ` +
          `from ${catalog.files} seed files: ${catalog.articles.length} articles, ${catalog.categories.length} categories, ` +
          `${catalog.duplicates} duplicates merged${catalog.nearDuplicates ? ` (${catalog.nearDuplicates} near-duplicates)` : ''}, ${catalog.rejected.length} rejected in ${seconds} s\n`,
      );
      for (const r of catalog.rejected) io.out(`  rejected ${r.file}: ${r.reason}\n`);
    } catch (error) {
      progress.done();
      io.err(`seedfeed: cannot write ${config.outDir}: ${describeFsError(error)}\n`);
      return 1;
    }
  } finally {
    await pool.close();
  }
  return 0;
}
