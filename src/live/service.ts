import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ScheduledTask } from 'node-cron';
import type { Config } from '../config.js';
import type { Health } from '../http/app.js';
import { RACY_WINDOW_MS } from '../scan/scanner.js';
import { ParsePool } from '../workers/pool.js';
import type { Logger } from '../log.js';
import type { Previous, Site, Validator } from '../render/site.js';
import { FEED_FILES } from '../render/urls.js';
import { publicScanError } from '../http/scan-error.js';
import type { Pipeline } from '../pipeline.js';
import { servePipeline } from './serve-pipeline.js';
import { warmChanged } from './warm-variants.js';
import { treeWatcher, type SeedsWatcher, type WatcherFactory } from './watcher.js';
import { healthReport, scanLogFields, type LastScan } from './scan-report.js';
import { intervalSeconds, scheduleRescans } from './schedule.js';

/** From this many export files written, a scan's garbage is collected when it ends (workers/heap.ts). */
const BIG_EXPORT = 300;

export interface LiveOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Quiet period after the last file event before a rescan starts. */
  readonly debounceMs?: number;
  /** Makes the file watcher (with `watch` on); one watch per directory unless given (the churn bench compares others). */
  readonly watcher?: WatcherFactory;
  readonly clock?: () => Date;
  /** Parses every scan and body reload in worker threads (and writes big scans' pages); made here unless given. */
  readonly pool?: ParsePool;
  /** Told about every scan and every new Site (metrics, WebSub content distribution). */
  readonly observers?: readonly LiveObserver[];
}

export interface LiveObserver {
  scanned?(scan: { readonly ok: boolean; readonly durationMs: number; readonly at: Date }): void;
  /**
   * A scan swapped in a new Site, and its export is written (or failed). `before` is what the
   * outputs were: the previous Site's resources, or on the first scan the validators restored
   * from the state file.
   */
  siteChanged?(before: Previous | undefined, site: Site): void;
}

interface Swap {
  readonly at: number;
  readonly before: Previous | undefined;
}

/**
 * The running service: one current Site, replaced whole by each successful scan (a request
 * sees one complete scan result or the next, never a mix) as soon as it is made; the export is
 * written after the swap. Scans never overlap: a trigger during a scan asks for one more scan
 * after it, however many triggers arrive. A scan that cannot read the seeds keeps the last good
 * Site; one whose export fails serves its Site and writes the export again at the next scan.
 * Both are reported in /healthz. Each scan is a run of
 * the pipeline (pipeline.ts); this schedules them, watches the seeds and reports on them.
 */
export class LiveSite {
  private site: Site | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Why the scans asked for during a running one were asked for: the follow-up's reason. */
  private readonly againReasons = new Set<string>();
  /**
   * What the next scan looks at: the paths the watcher reported since the last scan started, or
   * the whole tree, as any other trigger asks (and as a scan nothing asked for does).
   */
  private pending: Set<string> | 'whole' | undefined;
  private lastScan: LastScan | undefined;
  private lastGood: LastScan | undefined;
  private task: ScheduledTask | undefined;
  private watcher: SeedsWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  private stopped = false;
  /** When the scan running now swapped its Site in, and what the outputs were before it. */
  private swapped: Swap | undefined;
  private readonly pool: ParsePool;
  private readonly pipeline: Pipeline;
  /** Number of scans started, for tests and logs. */
  scans = 0;

  constructor(private readonly options: LiveOptions) {
    const { config, logger } = options;
    const pool = options.pool ?? new ParsePool();
    pool.onWarning = (note) => logger.warn('parse_worker', { note });
    pool.onWarmedUp = (ms) => logger.debug('parse_worker_warmed', { ms: Math.round(ms) });
    this.pool = pool;
    this.pipeline = servePipeline(
      config,
      logger,
      pool,
      {
        held: () => this.rescanWhenSettled(),
        siteMade: (site, before) => {
          this.site = site;
          this.swapped = { at: performance.now(), before };
          return warmChanged(site, before);
        },
      },
      options.clock,
    );
  }

  current(): Site | undefined {
    return this.site;
  }

  /** The outputs' validators as the state file had them when this process started. */
  restoredValidators(): Promise<ReadonlyMap<string, Validator>> {
    return this.pipeline.restoredValidators();
  }

  /**
   * `status` stays `starting` (503) until this process's first scan has made a Site; `serving`
   * says what answers meanwhile: the last export on disk, or nothing (exported-site.ts).
   */
  health(): Health {
    const report = healthReport(
      this.site,
      this.lastScan,
      this.lastGood,
      this.running !== undefined,
    );
    const serving = this.site ? 'scan' : this.exportOnDisk() ? 'export' : 'nothing';
    return { ...report, body: { ...report.body, serving } };
  }

  private exported = false;
  private exportOnDisk(): boolean {
    this.exported ||= existsSync(path.join(this.options.config.outDir, FEED_FILES.rss));
    return this.exported;
  }

  /**
   * Asks for a rescan; resolves when a scan that started after this call has finished. `paths`:
   * only these changed (the watcher's report); without them the scan walks the whole tree.
   */
  trigger(reason: string, paths?: ReadonlySet<string>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.ask(paths);
    if (this.running) {
      if (!this.again)
        this.options.logger.info('scan_queued', {
          reason,
          note: 'a scan is running; one more will follow it',
        });
      this.again = true;
      this.againReasons.add(reason);
      // The running loop sees `again` before it ends, so its promise covers the follow-up scan.
      return this.running;
    }
    this.running = this.loop(reason);
    return this.running;
  }

  private async loop(reason: string): Promise<void> {
    let why = reason;
    let big = false;
    try {
      do {
        this.again = false;
        const written = await this.scanOnce(why);
        big ||= this.scans === 1 || written >= BIG_EXPORT;
        // A scan that follows at once (the schedule's walk, queued behind a first scan of 100,000
        // files) leaves garbage of its own: the collection waits for it, and takes both.
        if (!this.again || this.stopped) {
          this.pool.afterScan(big);
          big = false;
        }
        const last = this.lastScan;
        if (last)
          for (const o of this.options.observers ?? [])
            o.scanned?.({ ok: last.ok, durationMs: last.stats.durationMs, at: last.at });
        // A watcher follows a directory, not a path: a replaced seeds directory is watched anew.
        await this.watcher?.follow();
        // As the triggers that asked gave it ('schedule', 'file change', …): a scheduled walk
        // queued behind a one-file scan is logged as the schedule's, not as a file's.
        why = [...this.againReasons].join(', ') || 'changes during the previous scan';
        this.againReasons.clear();
      } while (this.again && !this.stopped);
    } finally {
      // Cleared in the same synchronous step as the last check of `again`: no trigger falls between.
      this.running = undefined;
    }
  }

  /** The number of export files the scan wrote. */
  private async scanOnce(reason: string): Promise<number> {
    const { config, logger } = this.options;
    const clock = this.options.clock ?? (() => new Date());
    this.scans++;
    const started = performance.now();
    this.swapped = undefined;
    // Set by the pipeline's siteMade hook during the run (not seen by the compiler's narrowing).
    const swap = (): Swap | undefined => this.swapped;
    try {
      const asked = this.pending;
      this.pending = undefined;
      const run = await this.pipeline.run(asked instanceof Set ? { paths: asked } : {});
      if (run.outcome === 'failed') throw run.error;
      const { site, stats } = run;
      const { catalog } = site;
      const total = { ...stats, durationMs: performance.now() - started };
      this.lastScan = this.lastGood = { at: clock(), stats: total, ok: true };
      if (run.outcome === 'unchanged') {
        logger.info('scan', scanLogFields(reason, catalog, total.durationMs));
        return 0;
      }
      logger.info('scan', {
        ...scanLogFields(reason, catalog, total.durationMs, {
          changed: stats.changed,
          read: stats.read,
          removed: stats.removed,
          written: run.exported!.written,
          deleted: run.exported!.removed,
        }),
        // Readers had the new Site from then on; the export took the rest of duration_ms.
        swap_ms: Math.round(swap()!.at - started),
      });
      return run.exported!.written;
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      this.lastScan = {
        at: clock(),
        stats: { files: 0, changed: 0, removed: 0, durationMs: performance.now() - started },
        ok: false,
        error: publicScanError(error, config.seedsDir),
      };
      logger.error('scan_failed', {
        reason,
        error: message,
        serving:
          swap() !== undefined
            ? 'this scan (its export is written again by the next scan)'
            : this.site
              ? 'last good result'
              : 'nothing yet',
      });
      return 0;
    } finally {
      // After the export, not at the swap: a subscriber told of a change may fetch the export.
      const swapped = swap();
      if (swapped && this.site)
        for (const o of this.options.observers ?? []) o.siteChanged?.(swapped.before, this.site);
    }
  }

  /** Adds to what the next scan looks at; a whole walk covers any paths. */
  private ask(paths: ReadonlySet<string> | undefined): void {
    // Before the first scan has started, only a whole walk makes a Site to look at paths against.
    if (!paths || this.scans === 0) this.pending = 'whole';
    else if (this.pending === undefined) this.pending = new Set(paths);
    else if (this.pending !== 'whole') for (const p of paths) this.pending.add(p);
  }

  /** A file was caught mid-write and its last version kept: look again once it has settled. */
  private rescanWhenSettled(): void {
    clearTimeout(this.settle);
    this.settle = setTimeout(
      () => void this.trigger('a file caught mid-write has settled'),
      RACY_WINDOW_MS + 100,
    );
    this.settle.unref();
  }

  /** Starts the cron schedule and, if configured, the file watcher; resolves once the directories are watched. */
  async start(): Promise<void> {
    if (this.stopped) return; // a signal arrived during the first scan
    const { config, logger } = this.options;
    this.task = scheduleRescans(config.cron, logger, () => this.trigger('schedule'));
    if (!config.watch) return;
    this.watcher = (this.options.watcher ?? treeWatcher)({
      root: config.seedsDir,
      logger,
      debounceMs: this.options.debounceMs ?? 200,
      onChange: (paths) => void this.trigger('file change', paths),
    });
    await this.watcher.follow();
  }

  /**
   * SIGHUP: rescan, as daemons reload, and watch the seeds directory again if watching it had
   * failed. Resolves when a scan that started after this call has finished.
   */
  reload(reason: string): Promise<void> {
    this.watcher?.retry();
    return this.trigger(reason);
  }

  /** Seconds between scheduled rescans: what Cache-Control max-age is tied to. */
  static intervalSeconds(expression: string): number {
    return intervalSeconds(expression);
  }

  /** Stops scheduling and watching, then waits for a scan or export in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.settle);
    this.watcher?.close();
    await this.task?.stop();
    await this.running;
    await this.task?.destroy();
    await this.pool.close();
  }
}
