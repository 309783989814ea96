import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Catalog, DatedDraft, Draft, Notice, Rejection, SeedFile } from '../model.js';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../dedupe/defaults.js';
import { isRejection, parseSeed, type ParseOptions } from '../parse/index.js';
import { decodeSeed, readSeedBytes } from './read.js';
import { compareStrings, walkSeeds } from './walk.js';
import { buildCatalog, type MergeMemo } from '../catalog/catalog.js';
import { ContentStore, type RemoteBodies } from '../catalog/content.js';

export interface ScanOptions {
  readonly seedsDir: string;
  readonly extensions: readonly string[];
  readonly maxFileBytes: number;
  /** Near-duplicate similarity threshold; 0 turns near-duplicate detection off. */
  readonly nearDupThreshold?: number;
}

export interface ScanStats {
  readonly files: number;
  /** Files read and parsed this time (new or changed). */
  readonly changed: number;
  readonly removed: number;
  /** Files caught mid-write whose last good version was kept: scan again once they settle. */
  readonly held?: number;
  readonly durationMs: number;
}

export interface ScanResult {
  readonly catalog: Catalog;
  readonly stats: ScanStats;
}

/** What a scan must remember across restarts (see live/state.ts). */
export interface Memory {
  guids: { byHash: Map<string, string>; byPath: Map<string, string> };
  /** Fallback dates of files without one: first seen by content, then by path. */
  firstSeen: { byHash: Map<string, number>; byPath: Map<string, number> };
}

export const emptyMemory = (): Memory => ({
  guids: { byHash: new Map(), byPath: new Map() },
  firstSeen: { byHash: new Map(), byPath: new Map() },
});

type ParseResult = Draft | Rejection;

/** Parses many files; the default runs on this thread, a ParsePool in worker threads. */
export type ParseBatch = (files: readonly SeedFile[], maxFileBytes: number, options?: ParseOptions) => Promise<ParseResult[]>;

/**
 * How files get parsed: on this thread (a library default, for tests and one-off tools), or by a
 * ParsePool (`build`, `serve`), which also keeps the bodies of big scans.
 */
export interface Parser extends Partial<RemoteBodies> {
  readonly parseBatch: ParseBatch;
  /** One file parsed again, body included, when a page needs a body no longer in memory. */
  parseOne?(file: SeedFile, maxFileBytes: number): Promise<ParseResult>;
}

export async function parseFile(file: SeedFile, maxFileBytes: number): Promise<ParseResult> {
  return parseBytes(file, await readSeedBytes(file, maxFileBytes));
}

const READ_AHEAD = 16;

/**
 * Parses on the calling thread, reading a few files ahead so that parsing never waits on the
 * disk, and yielding to the event loop between files so requests keep being answered.
 */
export const parseOnThisThread: ParseBatch = async (files, maxFileBytes, options) => {
  const out: ParseResult[] = [];
  const reads = files.map(() => undefined as Promise<Uint8Array | Rejection> | undefined);
  const readAt = (i: number) => (reads[i] ??= readSeedBytes(files[i]!, maxFileBytes));
  for (let i = 0; i < files.length; i++) {
    for (let j = i; j < Math.min(i + READ_AHEAD, files.length); j++) readAt(j);
    const bytes = await readAt(i);
    reads[i] = undefined;
    out.push(parseBytes(files[i]!, bytes, options));
    if (i % 8 === 7) await yieldToEventLoop();
  }
  return out;
};

/** Decoded and parsed; pure apart from its input. */
export function parseBytes(file: SeedFile, bytes: Uint8Array | Rejection, options?: ParseOptions): ParseResult {
  if ('reason' in bytes) return bytes;
  const decoded = decodeSeed(bytes);
  if ('reason' in decoded) return { file: file.path, reason: decoded.reason };
  try {
    return parseSeed(file.path, decoded.text, options);
  } catch (error) {
    // A parser bug on one odd file must not stop the scan: it is reported like any bad file.
    return { file: file.path, reason: `could not be parsed (internal error: ${(error as Error).message})` };
  }
}

const stampOf = (f: SeedFile) => `${f.size}:${f.mtimeMs}:${f.ino}`;

/**
 * A file modified around the time it was listed may change again without its stamp changing:
 * file systems keep mtime in ticks (a few ms on ext4, 2 s on FAT), so a writer that finishes a
 * file in the same tick as the listing leaves size, mtime and inode as listed while the read saw
 * half of it. Such a file is read again by the next scan (as git treats "racily clean" entries).
 */
export const RACY_WINDOW_MS = 2_000;
const RACY = 'racy';
const isRacy = (f: SeedFile, listStarted: number, listEnded: number) => f.mtimeMs >= listStarted - RACY_WINDOW_MS && f.mtimeMs <= listEnded + RACY_WINDOW_MS;

/**
 * Scans the seeds directory into a Catalog, re-reading only files whose size, mtime or inode
 * changed since the last scan of this Scanner. Throws only when the scan fails as a whole
 * (seeds directory missing or unreadable); a bad file becomes a rejection.
 */
export class Scanner {
  /** Parse results by path, bodies removed (they live in `content`). */
  private readonly cache = new Map<string, { stamp: string; result: ParseResult }>();
  private files = new Map<string, SeedFile>();
  private last: { catalog: Catalog; rejectedKey: string } | undefined;
  private readonly memo: MergeMemo = new WeakMap();
  readonly content: ContentStore;
  private readonly parseBatch: ParseBatch;
  private readonly parseOne: (file: SeedFile, maxFileBytes: number) => Promise<ParseResult>;

  constructor(
    private readonly options: ScanOptions,
    readonly memory: Memory = emptyMemory(),
    parser: Parser = { parseBatch: parseOnThisThread },
  ) {
    this.parseBatch = parser.parseBatch;
    this.parseOne = parser.parseOne ? parser.parseOne.bind(parser) : parseFile;
    const remote = parser.holds && parser.bodies ? { holds: parser.holds.bind(parser), bodies: parser.bodies.bind(parser) } : undefined;
    this.content = new ContentStore((source) => this.reload(source), remote);
  }

  private get nearDupThreshold(): number {
    return this.options.nearDupThreshold ?? DEFAULT_NEAR_DUP_THRESHOLD;
  }

  async scan(): Promise<ScanResult> {
    const started = performance.now();
    const walkStarted = Date.now();
    const walked = await walkSeeds(this.options.seedsDir, { extensions: this.options.extensions });
    const walkEnded = Date.now();

    this.files = new Map(walked.files.map((f) => [f.path, f]));
    const stale = walked.files.filter((f) => this.cache.get(f.path)?.stamp !== stampOf(f));
    const parsed = await this.parseBatch(stale, this.options.maxFileBytes, { sketch: this.nearDupThreshold > 0 });
    let held = 0;
    stale.forEach((file, i) => {
      const fresh = parsed[i]!;
      const racy = isRacy(file, walkStarted, walkEnded);
      const before = this.cache.get(file.path)?.result;
      if (racy && isRejection(fresh) && before && !isRejection(before)) {
        // Caught while being rewritten (truncated, half its front matter): the last good version
        // stays until the file has settled, so its article does not drop out of the feeds meanwhile.
        this.cache.set(file.path, { stamp: RACY, result: before });
        held++;
        return;
      }
      this.cache.set(file.path, { stamp: racy ? RACY : stampOf(file), result: this.keepBody(fresh) });
    });
    const present = new Set(walked.files.map((f) => f.path));
    let removed = 0;
    for (const path of this.cache.keys()) {
      if (!present.has(path)) {
        this.cache.delete(path);
        removed++;
      }
    }
    // Nothing changed: the last catalog still is the answer (same object, so everything
    // downstream can tell at a glance that there is nothing to redo).
    const rejectedKey = walked.rejected.map((r) => `${r.file}\0${r.reason}`).join('\n');
    if (stale.length === 0 && removed === 0 && this.last && this.last.rejectedKey === rejectedKey) {
      return { catalog: this.last.catalog, stats: { files: this.last.catalog.files, changed: 0, removed: 0, durationMs: performance.now() - started } };
    }

    const drafts: DatedDraft[] = [];
    const rejected: Rejection[] = [...walked.rejected];
    const notices: Notice[] = [];
    for (const file of walked.files) {
      const result = this.cache.get(file.path)!.result;
      if (isRejection(result)) {
        rejected.push(result);
        continue;
      }
      for (const note of result.notes) notices.push({ file: file.path, note });
      let date = result.date;
      if (!date) {
        date = new Date(this.fallbackDate(file, result.contentHash));
        notices.push({ file: file.path, note: `no usable date; using the file's first-seen modification time ${date.toISOString()}` });
      }
      drafts.push({ draft: result, date });
    }
    rejected.sort((a, b) => compareStrings(a.file, b.file));

    const catalog = buildCatalog({
      drafts,
      rejected,
      notices,
      files: walked.files.length + walked.rejected.length,
      memory: this.memory.guids,
      content: this.content,
      memo: this.memo,
      nearDupThreshold: this.nearDupThreshold,
    });
    this.remember(catalog);
    this.last = { catalog, rejectedKey };
    return {
      catalog,
      stats: { files: catalog.files, changed: stale.length, removed, held, durationMs: performance.now() - started },
    };
  }

  /** Moves a fresh draft's body into the content store; the cache keeps the rest. */
  private keepBody(result: ParseResult): ParseResult {
    if (isRejection(result)) return result;
    this.content.put(result.source, result.contentHtml);
    return { ...result, contentHtml: '' };
  }

  private async reload(source: string): Promise<Draft | Rejection | undefined> {
    const file = this.files.get(source);
    return file && this.parseOne(file, this.options.maxFileBytes);
  }

  /**
   * Keeps in memory only the bodies of the given articles (those the feeds show); the rest are
   * read again from their files when a page needs them.
   */
  retainContent(sources: ReadonlySet<string>): void {
    this.content.retain(sources);
  }

  private fallbackDate(file: SeedFile, hash: string): number {
    const seen = this.memory.firstSeen;
    const ms = seen.byHash.get(hash) ?? seen.byPath.get(file.path) ?? Math.floor(file.mtimeMs / 1000) * 1000;
    seen.byHash.set(hash, ms);
    seen.byPath.set(file.path, ms);
    return ms;
  }

  /** Keeps only what the current catalog needs, so the memory never grows with history. */
  private remember(catalog: Catalog): void {
    const guids = { byHash: new Map<string, string>(), byPath: new Map<string, string>() };
    const firstSeen = { byHash: new Map<string, number>(), byPath: new Map<string, number>() };
    for (const article of catalog.articles) {
      guids.byHash.set(article.contentHash, article.guid);
      for (const source of article.sources) {
        guids.byPath.set(source, article.guid);
        const byPath = this.memory.firstSeen.byPath.get(source);
        if (byPath !== undefined) firstSeen.byPath.set(source, byPath);
      }
      const byHash = this.memory.firstSeen.byHash.get(article.contentHash);
      if (byHash !== undefined) firstSeen.byHash.set(article.contentHash, byHash);
    }
    // A file rejected for now (caught half-written, say) still exists: it keeps what it had, so
    // its article gets its guid and date back once the file is whole again.
    for (const { file } of catalog.rejected) {
      const guid = this.memory.guids.byPath.get(file);
      if (guid !== undefined && !guids.byPath.has(file)) guids.byPath.set(file, guid);
      const seen = this.memory.firstSeen.byPath.get(file);
      if (seen !== undefined && !firstSeen.byPath.has(file)) firstSeen.byPath.set(file, seen);
    }
    this.memory.guids = guids;
    this.memory.firstSeen = firstSeen;
  }
}
