import type { Catalog, Draft, Rejection, SharedWords } from '../model.js';
import { sketchOf } from '../dedupe/sketch-ref.js';
import type { Scan } from '../scan/scanner.js';
import { CatalogIndex } from './catalog-index.js';
import { isDraft, Ledger } from './ledger.js';
import type { MergeMemo } from './catalog.js';
import { ContentStore, type RemoteBodies } from './content.js';
import { emptyMemory, rememberCatalog, rememberDelta, type Memory } from './memory.js';
import { diffFiles } from './scan-delta.js';
import { SharedNames } from './shared-names.js';
import { summaryWords, type SummaryRef } from './summary-ref.js';
import { WordArena, type WordSpill } from './word-arena.js';

export interface CatalogBuilderOptions {
  /** Merge near-duplicates whose estimated similarity reaches this (0: exact copies only). */
  readonly nearDupThreshold: number;
  /** Guids and first-seen dates so far (from the state file); updated by each build. */
  readonly memory?: Memory;
  /** A body no longer in memory, parsed again from its file (the source is its path). */
  readonly reload?: (source: string) => Promise<Draft | Rejection | undefined>;
  /** Bodies the parse workers hold. */
  readonly remote?: RemoteBodies;
  /**
   * Where the sketches' and the summaries' filled chunks go on `spillWords`. Without it the sketches
   * stay in memory, and the summaries stay strings.
   */
  readonly wordSpill?: WordSpill;
}

/**
 * Scan after scan, the Catalog: dates for files without one, guids readers already know, the
 * merged articles (reused where their copies did not change) and the store of their bodies.
 * It reads nothing itself: bodies come from the parser, or again through `reload`.
 *
 * After the first, a build works from the change: the files whose result is not the same object
 * as last time are dated, and only they move in the CatalogIndex (groups, near-duplicate
 * clusters, articles and categories in order) and in the memory. The result equals a build of
 * everything (tests/catalog/incremental.test.ts); where that cannot be had from the change alone
 * (two articles with one guid, memory replaced from outside) the build starts afresh.
 */
export class CatalogBuilder {
  readonly memory: Memory;
  readonly content: ContentStore;
  private readonly memo: MergeMemo = new WeakMap();
  private readonly names = new SharedNames();
  private readonly sketches: WordArena;
  /** Only where chunks can be spilled: in memory, words take what the strings did. */
  private readonly summaries: WordArena | undefined;
  private last: Catalog | undefined;
  private ledger: Ledger | undefined;

  constructor(private readonly options: CatalogBuilderOptions) {
    this.memory = options.memory ?? emptyMemory();
    this.content = new ContentStore(options.reload, options.remote);
    this.sketches = new WordArena(options.wordSpill);
    this.summaries = options.wordSpill && new WordArena(options.wordSpill);
  }

  /**
   * Moves a fresh draft's body into the content store; what the scanner caches is the rest.
   * `path`: the walk's string for the file's path, kept in place of the parse's equal copy (a
   * parse worker's result brings its own): one string per path, however many hold it.
   */
  keepBody(result: Draft | Rejection, path?: string): Draft | Rejection {
    if ('reason' in result)
      return path === result.file && path !== undefined ? { ...result, file: path } : result;
    const source = path === result.source && path !== undefined ? path : result.source;
    this.content.put(source, result.contentHtml);
    const { names } = this;
    const sketch = sketchOf(result);
    const kept = sketch && this.sketches.keep(sketch, result.contentHash);
    const summary = this.keepSummary(result);
    // Every field written out, the optional ones too (undefined where absent): an object literal
    // keeps all its fields in the object itself, where a spread of fourteen moved most of them to
    // a second, out-of-object array (~0.1 KB per draft).
    return {
      source,
      title: result.title,
      link: result.link,
      date: result.date,
      updated: result.updated,
      author: result.author === undefined ? undefined : names.name(result.author),
      categories: names.list(result.categories),
      tags: names.list(result.tags),
      image: result.image,
      contentHtml: '',
      summary: summary.summary,
      summaryAt: summary.summaryAt,
      contentHash: result.contentHash,
      sketch: kept?.sketch,
      sketchAt: kept?.sketchAt,
      notes: result.notes.length ? result.notes : names.list(result.notes),
    };
  }

  /** The summary in the arena of summaries, if there is one; one too long for a shared place stays a string. */
  private keepSummary(result: Draft): SummaryRef {
    const { summary } = result;
    if (typeof summary !== 'string' || !this.summaries) return result;
    const words = summaryWords(summary);
    const kept = words && this.summaries.keep(words, result.contentHash);
    return kept?.sketchAt === undefined
      ? { summary }
      : { summary: kept.sketch as SharedWords, summaryAt: kept.sketchAt };
  }

  /** The Catalog of a scan: the last one itself if nothing changed (so everything downstream can tell at a glance). */
  async build(scan: Scan): Promise<Catalog> {
    this.sketches.forgetCopies();
    this.summaries?.forgetCopies();
    if (scan.unchanged && this.last) return this.last;
    const ledger = this.ledger;
    const catalog = ledger?.current ? await this.update(ledger, scan) : await this.rebuild(scan);
    this.last = catalog;
    return catalog;
  }

  /**
   * Keeps in memory only the bodies of the given articles (those the feeds show); the rest are
   * read again from their files when a page needs them.
   */
  retainContent(sources: ReadonlySet<string>): void {
    this.content.retain(sources);
  }

  /**
   * The sketches' and the summaries' filled chunks to their spools (see WordArena.spillFilled);
   * throws if either cannot be written, having tried both.
   */
  spillWords(): void {
    let failure: unknown;
    for (const arena of [this.sketches, this.summaries])
      try {
        arena?.spillFilled();
      } catch (error) {
        failure ??= error;
      }
    if (failure !== undefined) throw failure;
  }

  private async rebuild(scan: Scan): Promise<Catalog> {
    const ledger = new Ledger(
      new CatalogIndex(this.options.nearDupThreshold, this.memo),
      this.memory,
      this.content,
    );
    this.ledger = ledger;
    const { catalog } = await ledger.apply(scan, diffFiles([], scan.files), false);
    rememberCatalog(this.memory, catalog);
    ledger.guids = this.memory.guids;
    ledger.firstSeen = this.memory.firstSeen;
    return catalog;
  }

  private async update(ledger: Ledger, scan: Scan): Promise<Catalog> {
    // A copy with no date of its own takes the date first seen for its text, which other
    // unchanged copies may have set: then every file is dated again, in walk order, as a full
    // build does.
    const changes = diffFiles(ledger.files, scan.files);
    const redate = changes.some(
      ({ after }) =>
        isDraft(after) &&
        after.date === undefined &&
        !this.memory.firstSeen.byHash.has(after.contentHash) &&
        ledger.index.undatedDate(after.contentHash) !== undefined,
    );
    const { catalog, change } = await ledger.apply(scan, changes, redate);
    if (!ledger.index.unique) return this.rebuild(scan);
    rememberDelta(this.memory, change);
    const last = this.last;
    return last
      ? { ...catalog, change: { base: new WeakRef(last), gone: change.gone, came: change.came } }
      : catalog;
  }
}
