import { DEFAULT_NEAR_DUP_THRESHOLD } from '../dedupe/defaults.js';
import type { Catalog } from '../model.js';
import { Scanner, type CachedResult, type ScanOptions, type ScanStats } from '../scan/scanner.js';
import { CatalogBuilder } from './builder.js';
import {
  parseFile,
  parseOnThisThread,
  reparseOnThisThread,
  type Parser,
  type Reparse,
} from './draft-file.js';
import { emptyMemory, type Memory } from './memory.js';
import type { WordSpill } from './word-arena.js';

export interface CatalogScanOptions extends ScanOptions {
  readonly maxFileBytes: number;
  /** Near-duplicate similarity threshold; 0 turns near-duplicate detection off. */
  readonly nearDupThreshold?: number;
}

export interface CatalogScan {
  readonly catalog: Catalog;
  readonly stats: ScanStats;
}

/**
 * The seeds directory as a Catalog, scan after scan: the scanner has only new and changed files
 * parsed (on this thread, or by a ParsePool), the builder merges them with the rest. Throws only
 * when the scan fails as a whole (seeds directory missing or unreadable).
 */
export class CatalogScanner {
  private readonly scanner: Scanner;
  private readonly builder: CatalogBuilder;

  constructor(
    options: CatalogScanOptions,
    memory: Memory = emptyMemory(),
    parser: Parser = { parseBatch: parseOnThisThread, reparseBatch: reparseOnThisThread },
    wordSpill?: WordSpill,
  ) {
    const nearDupThreshold = options.nearDupThreshold ?? DEFAULT_NEAR_DUP_THRESHOLD;
    const parseOne = parser.parseOne ? parser.parseOne.bind(parser) : parseFile;
    const remote =
      parser.holds && parser.bodies
        ? { holds: parser.holds.bind(parser), bodies: parser.bodies.bind(parser) }
        : undefined;
    const reload = async (source: string) => {
      const file = this.scanner.fileAt(source);
      return file && parseOne(file, options.maxFileBytes);
    };
    this.builder = new CatalogBuilder({ nearDupThreshold, memory, reload, remote, wordSpill });
    // Bodies go to the content store as they arrive; the scanner caches the rest of each draft.
    const parseOptions = { sketch: nearDupThreshold > 0 };
    this.scanner = new Scanner(options, async (files, known) => {
      // Each body goes to the content store, and each sketch to its arena, as its parse arrives.
      const take = ({ result, digest }: Reparse, i: number): Reparse => ({
        result: result && this.builder.keepBody(result, files[i]!.path),
        digest,
      });
      if (parser.reparseBatch)
        return parser.reparseBatch(files, known, options.maxFileBytes, parseOptions, take);
      const parsed = await parser.parseBatch(files, options.maxFileBytes, parseOptions);
      return parsed.map((result, i) => take({ result }, i));
    });
  }

  get memory(): Memory {
    return this.builder.memory;
  }

  get content(): CatalogBuilder['content'] {
    return this.builder.content;
  }

  /** `reported`: the paths a watcher saw change (only those are looked at); without them, the whole tree. */
  async scan(reported?: Iterable<string>): Promise<CatalogScan> {
    const started = performance.now();
    const scan = await this.scanner.scan(reported);
    const catalog = await this.builder.build(scan);
    // Nothing changed: the last catalog still is the answer (the same object).
    if (scan.unchanged)
      return {
        catalog,
        stats: {
          files: catalog.files,
          changed: 0,
          read: scan.read,
          removed: 0,
          durationMs: performance.now() - started,
        },
      };
    const { changed, read, removed, held } = scan;
    return {
      catalog,
      stats: {
        files: catalog.files,
        changed,
        read,
        removed,
        held,
        durationMs: performance.now() - started,
      },
    };
  }

  /** Before the first scan: the files as a snapshot recorded them (see Scanner.restore). */
  restore(entries: Iterable<readonly [string, CachedResult]>): void {
    this.scanner.restore(this.compacted(entries));
  }

  /**
   * A snapshot's parses held as a scan's are: the sketch in the builder's arena, names and lists
   * shared, the walk's path string as the source (a decoded draft has copies of its own of each).
   */
  private *compacted(
    entries: Iterable<readonly [string, CachedResult]>,
  ): Iterable<readonly [string, CachedResult]> {
    for (const [path, cached] of entries)
      yield [path, { ...cached, result: this.builder.keepBody(cached.result, path) }];
  }

  /** Each file's stamp, digest and parse as of the last scan, for the snapshot. */
  entries(): ReadonlyMap<string, CachedResult> {
    return this.scanner.entries();
  }

  /** The paths whose entry changed or went since the last call. */
  takeChanged(): ReadonlySet<string> {
    return this.scanner.takeChanged();
  }

  /** Keeps in memory only the bodies of these source files; pages read any other again. */
  retainContent(sources: ReadonlySet<string>): void {
    this.builder.retainContent(sources);
  }

  /** The sketches and summaries kept so far to their spools; throws if either cannot be written. */
  spillWords(): void {
    this.builder.spillWords();
  }
}
