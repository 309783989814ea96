/**
 * The one run of seedfeed, for `build`, `serve` (each scan), the benchmark and the tests:
 * state → scan → catalog → Site → export → state saved → only the feeds' bodies kept in memory.
 */
import {
  CatalogScanner,
  type CatalogScan,
  type CatalogScanOptions,
} from './catalog/catalog-scanner.js';
import type { Parser } from './catalog/draft-file.js';
import type { WordSpill } from './catalog/word-arena.js';
import { emptyMemory } from './catalog/memory.js';
import {
  loadCatalogSnapshot,
  saveCatalogSnapshot,
  type SavedSnapshot,
} from './export/catalog-snapshot.js';
import { loadState, saveState, type SavedState } from './export/state.js';
import {
  writeSite,
  type DeployMemo,
  type DeployOptions,
  type ExportStats,
  type Manifest,
  type PageWriter,
} from './export/write-site.js';
import { Site, type Previous, type SiteOptions, type Validator } from './render/site.js';
import type { ScanStats } from './scan/scanner.js';

export interface PipelineSettings extends CatalogScanOptions, SiteOptions {}

export interface ExportTarget {
  readonly outDir: string;
  /** Keep guids, first-seen dates and validators in outDir across runs (build, serve); the benchmark goes without. */
  readonly state: boolean;
  /** Renders and writes the pages of articles whose bodies it holds (the ParsePool). */
  readonly pageWriter?: PageWriter;
  /**
   * Once an export's page writer is done with it (WriteOptions.afterPages: its pages written, and
   * none of the rest needing it), else at the export's end, written or failed: the ParsePool
   * hands its workers' heaps back.
   */
  readonly release?: () => Promise<void>;
  /** serve's Cache-Control, for the nginx and static-host files written into the export. */
  readonly deploy?: DeployOptions;
  /** Write .gz and .br siblings of feeds, lists and archive pages (--precompress). */
  readonly precompress?: boolean;
}

/** What a caller hears of during a run, in this order. */
export interface PipelineHooks {
  /** The state file was there but could not be used: the run starts afresh and rewrites it. */
  stateDamaged?(reason: string): void;
  /** The catalog snapshot was there but could not be used: every file is read. */
  snapshotIgnored?(reason: string): void;
  /** The catalog snapshot could not be saved: the next restart reads more files. The run goes on. */
  snapshotNotSaved?(error: Error): void;
  /** The catalog is made (the same one as last time if nothing changed); the Site is next. */
  scanned?(stats: ScanStats): void;
  /**
   * A new Site is made, and is exported next: serve swaps it in here, so that readers do not wait
   * for the export. `before`: what the outputs were (for WebSub and metrics). The export waits
   * for a promise returned (serve's: the compressed variants readers will ask for first).
   */
  siteMade?(site: Site, before: Previous | undefined): void | Promise<void>;
  exportProgress?(done: number, total: number): void;
  /** The export is written. */
  exported?(): void;
  /** Something the operator should hear of that did not stop the export. */
  exportWarning?(warning: string): void;
  /** Given, a state file that cannot be saved is told here and the run goes on (serve); absent, the run fails. */
  stateNotSaved?(error: Error): void;
  /** The sketches or summaries could not go to their spool: they stay in memory, and the next run tries again. */
  wordsNotSpilled?(error: Error): void;
}

export interface PipelineOptions {
  readonly settings: PipelineSettings;
  /** Parses on this thread unless given (a ParsePool). */
  readonly parser?: Parser;
  /** Where each new Site is exported; without it a run stops at the Site (tests). */
  readonly export?: ExportTarget;
  /** The build time of each Site. */
  readonly clock?: () => Date;
  readonly hooks?: PipelineHooks;
  /**
   * Where the near-duplicate sketches and the summaries go after each built run (workers/spool.ts
   * for serve, a process that lives with its catalog); without it they stay in memory.
   */
  readonly wordSpill?: WordSpill;
}

export type Run =
  /** Nothing changed on disk: the Site, its bytes and the export all stand. */
  | { readonly outcome: 'unchanged'; readonly site: Site; readonly stats: ScanStats }
  /** A new Site, exported if there is a target. `before`: what the outputs were (for WebSub and metrics). */
  | {
      readonly outcome: 'built';
      readonly site: Site;
      readonly stats: ScanStats;
      readonly before: Previous | undefined;
      readonly exported?: ExportStats;
    }
  /**
   * `scan`: the seeds directory could not be read, and the last good Site (if any) stands.
   * `export`, `state`: the output could not be written; the new Site was made (siteMade) and the
   * next run writes the export again, whether or not the seeds change meanwhile.
   */
  | {
      readonly outcome: 'failed';
      readonly stage: 'scan' | 'export' | 'state';
      readonly error: unknown;
    };

/** Runs one after the other (a caller never starts a run before the last has ended). */
export class Pipeline {
  private scanner: CatalogScanner | undefined;
  private site: Site | undefined;
  /** What the outputs were: the last Site's resources, or the validators of the state file. */
  private previous: Previous | undefined;
  /** What the export directory holds, as the last export left it. */
  private manifest: Manifest | undefined;
  /** What its deploy files were last made from. */
  private deployMemo: DeployMemo | undefined;
  /** What the state files hold, as loaded or last saved: a save appends only the difference. */
  private savedState: SavedState | undefined;
  /** What the catalog snapshot holds, as loaded or last saved. */
  private savedSnapshot: SavedSnapshot | undefined;
  private exportedOnce = false;
  /** The last export failed: the next run writes the Site's export whole, even if nothing changed. */
  private exportOwed = false;
  /** The validators the state file restored, once the first run has read it (empty without one). */
  private resolveRestored!: (validators: ReadonlyMap<string, Validator>) => void;
  private readonly restored = new Promise<ReadonlyMap<string, Validator>>(
    (resolve) => (this.resolveRestored = resolve),
  );

  constructor(private readonly options: PipelineOptions) {}

  /** `paths`: only these changed (a watcher's report), so the scan looks at them alone. */
  async run(scope: { readonly paths?: Iterable<string> } = {}): Promise<Run> {
    const { hooks = {}, settings } = this.options;
    const scanner = await this.start();
    let scanned: CatalogScan;
    try {
      scanned = await scanner.scan(scope.paths);
    } catch (error) {
      return { outcome: 'failed', stage: 'scan', error };
    }
    const { catalog, stats } = scanned;
    hooks.scanned?.(stats);
    if (this.site && catalog === this.site.catalog) {
      if (this.exportOwed && this.options.export) {
        const done = await this.export(this.site, scanner, this.options.export);
        if ('outcome' in done) return done;
      }
      // Files re-read and found as they were (racy ones) have settled stamps to record.
      await this.saveSnapshot(scanner);
      return { outcome: 'unchanged', site: this.site, stats };
    }
    const before = this.previous;
    // From the last Site itself: a catalog updated from its own is then rendered from the change.
    const site = await Site.create(
      catalog,
      settings,
      this.options.clock?.() ?? new Date(),
      this.site ?? before,
    );
    this.site = site;
    this.previous = site.resources;
    await hooks.siteMade?.(site, before);
    let exported: ExportStats | undefined;
    if (this.options.export) {
      const done = await this.export(site, scanner, this.options.export);
      if ('outcome' in done) return done;
      exported = done.exported;
    }
    try {
      scanner.spillWords();
    } catch (error) {
      hooks.wordsNotSpilled?.(error as Error);
    }
    return { outcome: 'built', site, stats, before, exported };
  }

  /** What the outputs' validators were when this process started: resolves once the first run has read the state. */
  restoredValidators(): Promise<ReadonlyMap<string, Validator>> {
    return this.restored;
  }

  /** The first run loads the state (guids, first-seen dates, validators) the last process saved. */
  private async start(): Promise<CatalogScanner> {
    if (this.scanner) return this.scanner;
    const { export: target, hooks = {}, settings, parser } = this.options;
    let memory = emptyMemory();
    if (target?.state) {
      const state = await loadState(target.outDir);
      if (state.damaged) hooks.stateDamaged?.(state.damaged);
      this.previous = state.validators;
      this.resolveRestored(state.validators);
      this.savedState = state.saved;
      memory = state.memory;
    }
    this.resolveRestored(new Map()); // without a state file: nothing (a second call does nothing)
    this.scanner = new CatalogScanner(settings, memory, parser, this.options.wordSpill);
    if (target?.state) {
      const snapshot = await loadCatalogSnapshot(target.outDir, settings);
      if (snapshot.ignored) hooks.snapshotIgnored?.(snapshot.ignored);
      this.scanner.restore(snapshot.entries);
      this.savedSnapshot = snapshot.saved;
    }
    return this.scanner;
  }

  /** Records each file's stamp and parse, so that a restart reads only what changed meanwhile. */
  private async saveSnapshot(scanner: CatalogScanner): Promise<void> {
    const target = this.options.export;
    if (!target?.state || !this.savedSnapshot) return;
    try {
      this.savedSnapshot = await saveCatalogSnapshot(
        target.outDir,
        scanner.entries(),
        scanner.takeChanged(),
        this.savedSnapshot,
      );
    } catch (error) {
      this.options.hooks?.snapshotNotSaved?.(error as Error);
    }
  }

  private async export(
    site: Site,
    scanner: CatalogScanner,
    target: ExportTarget,
  ): Promise<{ exported: ExportStats } | Extract<Run, { outcome: 'failed' }>> {
    const { hooks = {} } = this.options;
    let exported: ExportStats;
    try {
      // Once, as soon as the workers' pages are written, or when the export ends without that.
      let released: Promise<void> | undefined;
      const release = target.release && (() => (released ??= target.release!()));
      const writing = writeSite(site, target.outDir, {
        afterPages: release,
        verify: !this.exportedOnce,
        onProgress: hooks.exportProgress,
        pageWriter: target.pageWriter,
        previous: this.manifest,
        deploy: target.deploy,
        deployMemo: this.deployMemo,
        precompress: target.precompress,
      });
      exported = await (release ? writing.finally(release) : writing);
    } catch (error) {
      // What the directory holds is no longer known: the next export compares every path.
      this.exportOwed = true;
      this.exportedOnce = false;
      return { outcome: 'failed', stage: 'export', error };
    }
    this.exportOwed = false;
    this.manifest = exported.manifest;
    this.deployMemo = exported.deployMemo;
    hooks.exported?.();
    for (const warning of exported.warnings) hooks.exportWarning?.(warning);
    // Bodies of articles no feed shows go; pages re-read them from their files on demand.
    scanner.retainContent(site.hotContent());
    this.exportedOnce = true;
    if (target.state) {
      try {
        this.savedState = await saveState(target.outDir, scanner.memory, site, this.savedState);
      } catch (error) {
        // The state only speeds up a restart: serve goes on without it.
        if (!hooks.stateNotSaved) return { outcome: 'failed', stage: 'state', error };
        hooks.stateNotSaved(error as Error);
      }
      await this.saveSnapshot(scanner);
    }
    return { exported };
  }
}
