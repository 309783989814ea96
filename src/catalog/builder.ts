import type { Catalog, DatedDraft, Draft, Notice, Rejection, SeedFile } from '../model.js';
import { sketchOf } from '../dedupe/sketch-ref.js';
import type { FileResult, Scan, ScannedFile } from '../scan/scanner.js';
import { compareStrings } from '../scan/walk.js';
import { CatalogIndex } from './catalog-index.js';
import type { MergeMemo } from './catalog.js';
import { ContentStore, type RemoteBodies } from './content.js';
import {
  emptyMemory,
  fallbackDate,
  rememberCatalog,
  rememberDelta,
  type Memory,
} from './memory.js';
import { diffFiles, type FileChange } from './scan-delta.js';
import { SharedNames } from './shared-names.js';
import { SketchArena } from './sketch-arena.js';
import { applySorted } from './sorted.js';

export interface CatalogBuilderOptions {
  /** Merge near-duplicates whose estimated similarity reaches this (0: exact copies only). */
  readonly nearDupThreshold: number;
  /** Guids and first-seen dates so far (from the state file); updated by each build. */
  readonly memory?: Memory;
  /** A body no longer in memory, parsed again from its file (the source is its path). */
  readonly reload?: (source: string) => Promise<Draft | Rejection | undefined>;
  /** Bodies the parse workers hold. */
  readonly remote?: RemoteBodies;
}

/** What the builder keeps between scans to build the next Catalog from the change alone. */
interface Ledger {
  readonly index: CatalogIndex;
  files: readonly ScannedFile[];
  readonly dated: Map<string, DatedDraft>;
  /** A file's notices: one alone (most) as itself, several as an array of their exact length. */
  readonly noticed: Map<string, Notice | readonly Notice[]>;
  notices: readonly Notice[];
  readonly rejections: Map<string, Rejection>;
  rejectionList: readonly Rejection[];
  refused: readonly Rejection[];
  /** The memory maps this ledger keeps in step; anything else and the next build starts afresh. */
  guids?: Memory['guids'];
  firstSeen?: Memory['firstSeen'];
}

const byFile = (a: { file: string }, b: { file: string }) => compareStrings(a.file, b.file);
const isDraft = (result: FileResult | undefined): result is Draft =>
  result !== undefined && !('reason' in result);

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
  private readonly sketches = new SketchArena();
  private last: Catalog | undefined;
  private ledger: Ledger | undefined;

  constructor(private readonly options: CatalogBuilderOptions) {
    this.memory = options.memory ?? emptyMemory();
    this.content = new ContentStore(options.reload, options.remote);
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
      summary: result.summary,
      contentHash: result.contentHash,
      sketch: kept?.sketch,
      sketchAt: kept?.sketchAt,
      notes: result.notes.length ? result.notes : names.list(result.notes),
    };
  }

  /** The Catalog of a scan: the last one itself if nothing changed (so everything downstream can tell at a glance). */
  build(scan: Scan): Catalog {
    this.sketches.forgetCopies();
    if (scan.unchanged && this.last) return this.last;
    const ledger = this.ledger;
    const current =
      ledger !== undefined &&
      ledger.index.unique &&
      ledger.guids === this.memory.guids &&
      ledger.firstSeen === this.memory.firstSeen;
    const catalog = current ? this.update(ledger, scan) : this.rebuild(scan);
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

  private rebuild(scan: Scan): Catalog {
    const ledger: Ledger = {
      index: new CatalogIndex(this.options.nearDupThreshold, this.memo),
      files: [],
      dated: new Map(),
      noticed: new Map(),
      notices: [],
      rejections: new Map(),
      rejectionList: [],
      refused: [],
    };
    this.ledger = ledger;
    const catalog = this.apply(ledger, scan, diffFiles([], scan.files), false).catalog;
    rememberCatalog(this.memory, catalog);
    ledger.guids = this.memory.guids;
    ledger.firstSeen = this.memory.firstSeen;
    return catalog;
  }

  private update(ledger: Ledger, scan: Scan): Catalog {
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
    const { catalog, change } = this.apply(ledger, scan, changes, redate);
    if (!ledger.index.unique) return this.rebuild(scan);
    rememberDelta(this.memory, change);
    const last = this.last;
    return last
      ? { ...catalog, change: { base: new WeakRef(last), gone: change.gone, came: change.came } }
      : catalog;
  }

  private apply(ledger: Ledger, scan: Scan, changes: readonly FileChange[], redate: boolean) {
    const removed: DatedDraft[] = [];
    const added: DatedDraft[] = [];
    const noticesGone: Notice[] = [];
    const noticesCame: Notice[] = [];
    const rejectionsGone: Rejection[] = [];
    const rejectionsCame: Rejection[] = [];
    const paths = new Set<string>();
    const dated = new Set<string>();

    const forget = (path: string) => {
      const old = ledger.dated.get(path);
      if (old) removed.push(old);
      ledger.dated.delete(path);
      const noticed = ledger.noticed.get(path);
      if (Array.isArray(noticed)) noticesGone.push(...(noticed as readonly Notice[]));
      else if (noticed) noticesGone.push(noticed as Notice);
      ledger.noticed.delete(path);
      const rejection = ledger.rejections.get(path);
      if (rejection) rejectionsGone.push(rejection);
      ledger.rejections.delete(path);
    };
    const settle = (file: SeedFile, result: FileResult, modified: number | undefined) => {
      if (!isDraft(result)) {
        ledger.rejections.set(file.path, result);
        rejectionsCame.push(result);
        return;
      }
      let notices: readonly Notice[] = result.notes.map((note) => ({ file: file.path, note }));
      let date = result.date;
      if (date === undefined) {
        date = fallbackDate(this.memory, file, result.contentHash);
        dated.add(result.contentHash);
        // concat, not push: the array stays its exact length (a push grows it to 17 slots).
        notices = notices.concat({
          file: file.path,
          note: `no usable date; using the file's first-seen modification time ${new Date(date).toISOString()}`,
        });
      }
      const d = {
        draft: result,
        date,
        modified: modified ?? Math.floor(file.mtimeMs / 1000) * 1000,
      };
      ledger.dated.set(file.path, d);
      added.push(d);
      if (notices.length)
        ledger.noticed.set(file.path, notices.length === 1 ? notices[0]! : notices);
      noticesCame.push(...notices);
    };

    if (redate) {
      const changed = new Set(changes.map((c) => c.path));
      for (const c of changes) if (!c.after) forget(c.path);
      for (const { file, result, modified } of scan.files) {
        if (!changed.has(file.path)) {
          if (!isDraft(result) || result.date !== undefined) continue;
          const date = fallbackDate(this.memory, file, result.contentHash);
          dated.add(result.contentHash);
          if (date === ledger.dated.get(file.path)!.date) continue;
        }
        forget(file.path);
        settle(file, result, modified);
      }
    } else {
      for (const { path, file, after, modified } of changes) {
        forget(path);
        if (after) settle(file!, after, modified);
      }
    }
    for (const c of changes) paths.add(c.path);
    for (const r of [...ledger.refused, ...scan.refused]) paths.add(r.file);

    ledger.files = scan.files;
    ledger.notices = applySorted(ledger.notices, noticesGone, noticesCame, byFile);
    ledger.rejectionList = applySorted(
      ledger.rejectionList,
      rejectionsGone,
      rejectionsCame,
      byFile,
    );
    ledger.refused = scan.refused;
    const rejected = scan.refused.length
      ? [...scan.refused, ...ledger.rejectionList].sort(byFile)
      : ledger.rejectionList;

    const indexed = ledger.index.apply(removed, added, this.memory.guids);
    const refused = new Set(scan.refused.map((r) => r.file));
    const catalog: Catalog = {
      content: this.content,
      articles: indexed.articles,
      articleIds: indexed.articleIds,
      byId: indexed.byId,
      categories: indexed.categories,
      tags: indexed.tags,
      authors: indexed.authors,
      rejected,
      notices: ledger.notices,
      files: scan.files.length + scan.refused.length,
      duplicates: indexed.duplicates,
      nearDuplicates: indexed.nearDuplicates,
      boilerplate: indexed.boilerplate,
    };
    const change = {
      gone: indexed.gone,
      came: indexed.came,
      paths,
      dated,
      isDraft: (path: string) => ledger.dated.has(path),
      isRejected: (path: string) => ledger.rejections.has(path) || refused.has(path),
      isPrimary: (hash: string) => ledger.index.isPrimary(hash),
      undatedDate: (hash: string) => ledger.index.undatedDate(hash),
    };
    return { catalog, change };
  }
}
