import type { Draft, Rejection, SeedFile } from '../model.js';
import { walkSeeds } from './walk.js';

export interface ScanOptions {
  readonly seedsDir: string;
  readonly extensions: readonly string[];
}

/** What a file turned into: a Draft, or why it cannot be used. */
export type FileResult = Draft | Rejection;

/** Reads and parses the files the scan found new or changed: the scanner does not know how. */
export type ParseFiles = (files: readonly SeedFile[]) => Promise<FileResult[]>;

export interface ScanStats {
  readonly files: number;
  /** Files read and parsed this time (new or changed). */
  readonly changed: number;
  readonly removed: number;
  /** Files caught mid-write whose last good version was kept: scan again once they settle. */
  readonly held?: number;
  readonly durationMs: number;
}

export interface ScannedFile {
  readonly file: SeedFile;
  /** This scan's parse, or the last one if the file did not change (or was caught mid-write). */
  readonly result: FileResult;
}

export interface Scan {
  /** Every file the walk accepted, in walk order. */
  readonly files: readonly ScannedFile[];
  /** What the walk refused (links out of the tree, FIFOs, …). */
  readonly refused: readonly Rejection[];
  /**
   * Nothing changed since the last scan: the same files with the same stamps, the same refusals.
   * Never true of a scanner's first scan.
   */
  readonly unchanged: boolean;
  readonly changed: number;
  readonly removed: number;
  readonly held: number;
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
const isRacy = (f: SeedFile, listStarted: number, listEnded: number) =>
  f.mtimeMs >= listStarted - RACY_WINDOW_MS && f.mtimeMs <= listEnded + RACY_WINDOW_MS;
const isRejection = (result: FileResult): result is Rejection => 'reason' in result;

/**
 * Walks the seeds directory and has the injected parser parse only the files whose size, mtime
 * or inode changed since the last scan of this Scanner; the rest keep their last result. Throws
 * only when the scan fails as a whole (seeds directory missing or unreadable); a bad file is a
 * rejection among the results.
 */
export class Scanner {
  /** Parse results by path, as the parser gave them. */
  private readonly cache = new Map<string, { stamp: string; result: FileResult }>();
  private files = new Map<string, SeedFile>();
  private last: { refusedKey: string; files: readonly ScannedFile[] } | undefined;

  constructor(
    private readonly options: ScanOptions,
    private readonly parse: ParseFiles,
  ) {}

  /** The file at a path as the last walk saw it (to read a body again). */
  fileAt(path: string): SeedFile | undefined {
    return this.files.get(path);
  }

  async scan(): Promise<Scan> {
    const walkStarted = Date.now();
    const walked = await walkSeeds(this.options.seedsDir, { extensions: this.options.extensions });
    const walkEnded = Date.now();

    this.files = new Map(walked.files.map((f) => [f.path, f]));
    const stale = walked.files.filter((f) => this.cache.get(f.path)?.stamp !== stampOf(f));
    const parsed = await this.parse(stale);
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
      this.cache.set(file.path, { stamp: racy ? RACY : stampOf(file), result: fresh });
    });
    const present = new Set(walked.files.map((f) => f.path));
    let removed = 0;
    for (const path of this.cache.keys()) {
      if (!present.has(path)) {
        this.cache.delete(path);
        removed++;
      }
    }
    const refusedKey = walked.rejected.map((r) => `${r.file}\0${r.reason}`).join('\n');
    const unchanged = stale.length === 0 && removed === 0 && this.last?.refusedKey === refusedKey;
    // Unchanged, the last list still holds: the same paths in the same order, with the same results.
    const files = unchanged
      ? this.last!.files
      : walked.files.map((file) => ({ file, result: this.cache.get(file.path)!.result }));
    this.last = { refusedKey, files };
    return {
      files,
      refused: walked.rejected,
      unchanged,
      changed: stale.length,
      removed,
      held,
    };
  }
}
