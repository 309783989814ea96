import type { Config } from '../config.js';
import { CATALOG_SNAPSHOT } from '../export/catalog-snapshot.js';
import { STATE_FILE } from '../export/state.js';
import type { Logger } from '../log.js';
import { Pipeline } from '../pipeline.js';
import type { Previous, Site } from '../render/site.js';
import type { ParsePool } from '../workers/pool.js';
import { Spool } from '../workers/spool.js';
import { intervalSeconds } from './schedule.js';

/** What the service itself does at two moments of a run. */
export interface ServeRunHooks {
  /** A file was caught mid-write and its last version kept. */
  held(): void;
  /** The new Site is made; its export follows (once a promise returned settles). */
  siteMade(site: Site, before: Previous | undefined): void | Promise<void>;
}

/**
 * The pipeline as `serve` runs it: parsed in the pool, exported with its state and snapshot into
 * the output directory, and every trouble that does not stop a run logged as a warning.
 */
export function servePipeline(
  config: Config,
  logger: Logger,
  pool: ParsePool,
  service: ServeRunHooks,
  clock?: () => Date,
): Pipeline {
  // Every run tries the spool again: an unwritable TMPDIR is said once, not at every change.
  let spillError: string | undefined;
  return new Pipeline({
    settings: config,
    parser: pool,
    clock,
    // Sketches are read only where a change looks for near-duplicates, summaries where a feed, an
    // archive or a search shows them: the page cache keeps them.
    wordSpill: { open: () => Spool.open() },
    // Workers hold the bodies of what they parsed until their pages are written; releasing them
    // afterwards hands their heaps back after a big scan (one warm worker stays for rescans).
    export: {
      outDir: config.outDir,
      state: true,
      pageWriter: pool,
      release: () => pool.release(),
      // The Cache-Control serve sends (assemble.ts), for the export's nginx and static-host files.
      deploy: { maxAge: Math.min(intervalSeconds(config.cron), 300) },
      precompress: config.precompress,
    },
    hooks: {
      stateDamaged: (reason) =>
        logger.warn('state_damaged', {
          file: STATE_FILE,
          error: reason,
          note: 'starting afresh; it is rewritten after this scan',
        }),
      snapshotIgnored: (reason) =>
        logger.warn('snapshot_ignored', {
          file: CATALOG_SNAPSHOT,
          error: reason,
          note: 'every seed file is read; it is rewritten after this scan',
        }),
      snapshotNotSaved: (error) =>
        logger.warn('snapshot_not_saved', {
          file: CATALOG_SNAPSHOT,
          error: error.message,
          note: 'the next restart reads more seed files',
        }),
      scanned: (stats) => {
        if (stats.held) service.held();
      },
      siteMade: (site, before) => service.siteMade(site, before),
      exportWarning: (warning) => logger.warn('export_warning', { warning }),
      wordsNotSpilled: (error) => {
        if (error.message === spillError) return;
        spillError = error.message;
        logger.warn('words_not_spilled', {
          error: error.message,
          note: 'the near-duplicate sketches and the summaries stay in memory (set TMPDIR to a writable directory); each scan tries again',
        });
      },
      stateNotSaved: (error) =>
        logger.warn('state_not_saved', {
          file: STATE_FILE,
          error: error.message,
          note: 'guids of edited files and Last-Modified may not survive a restart',
        }),
    },
  });
}
