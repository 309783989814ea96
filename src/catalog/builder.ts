import type { Catalog, DatedDraft, Draft, Notice, Rejection, SeedFile } from '../model.js';
import type { Scan } from '../scan/scanner.js';
import { compareStrings } from '../scan/walk.js';
import { buildCatalog, type MergeMemo } from './catalog.js';
import { ContentStore, type RemoteBodies } from './content.js';
import { emptyMemory, fallbackDate, rememberCatalog, type Memory } from './memory.js';

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

/**
 * Scan after scan, the Catalog: dates for files without one, guids readers already know, the
 * merged articles (reused where their copies did not change) and the store of their bodies.
 * It reads nothing itself: bodies come from the parser, or again through `reload`.
 */
export class CatalogBuilder {
  readonly memory: Memory;
  readonly content: ContentStore;
  private readonly memo: MergeMemo = new WeakMap();
  private last: Catalog | undefined;

  constructor(private readonly options: CatalogBuilderOptions) {
    this.memory = options.memory ?? emptyMemory();
    this.content = new ContentStore(options.reload, options.remote);
  }

  /** Moves a fresh draft's body into the content store; what the scanner caches is the rest. */
  keepBody(result: Draft | Rejection): Draft | Rejection {
    if ('reason' in result) return result;
    this.content.put(result.source, result.contentHtml);
    return { ...result, contentHtml: '' };
  }

  /** The Catalog of a scan: the last one itself if nothing changed (so everything downstream can tell at a glance). */
  build(scan: Scan): Catalog {
    if (scan.unchanged && this.last) return this.last;
    const drafts: DatedDraft[] = [];
    const rejected: Rejection[] = [...scan.refused];
    const notices: Notice[] = [];
    for (const { file, result } of scan.files) {
      if ('reason' in result) {
        rejected.push(result);
        continue;
      }
      for (const note of result.notes) notices.push({ file: file.path, note });
      drafts.push({ draft: result, date: result.date ?? this.fallbackDate(file, result, notices) });
    }
    rejected.sort((a, b) => compareStrings(a.file, b.file));

    const catalog = buildCatalog({
      drafts,
      rejected,
      notices,
      files: scan.files.length + scan.refused.length,
      memory: this.memory.guids,
      content: this.content,
      memo: this.memo,
      nearDupThreshold: this.options.nearDupThreshold,
    });
    rememberCatalog(this.memory, catalog);
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

  private fallbackDate(file: SeedFile, draft: Draft, notices: Notice[]): Date {
    const date = new Date(fallbackDate(this.memory, file, draft.contentHash));
    notices.push({
      file: file.path,
      note: `no usable date; using the file's first-seen modification time ${date.toISOString()}`,
    });
    return date;
  }
}
