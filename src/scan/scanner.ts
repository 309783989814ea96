import type { Draft, Rejection, SeedFile } from '../model.js';
import { coveredItems, replaceCovered } from './covered.js';
import { FileEntry } from './file-entry.js';
import {
  RACY,
  type CachedResult,
  type FileResult,
  type ScannedFile,
  type Stamp,
} from './scan-records.js';
import { walkSeedPaths } from './walk-paths.js';
import { walkSeeds, type SeedsRoot } from './walk.js';

export { RACY, type CachedResult, type FileResult, type ScannedFile };

export interface ScanOptions {
  readonly seedsDir: string;
  readonly extensions: readonly string[];
}

/**
 * A file read for the scan: its result and the digest of its bytes (none if it could not be read);
 * no result when those bytes have the digest the scanner gave (the last result stands).
 */
export interface FileParse {
  readonly result?: FileResult;
  readonly digest?: string;
}

/**
 * Reads and parses the files the scan found new or changed: the scanner does not know how.
 * `known[i]` is the digest of the bytes of `files[i]`'s last result, if it has one.
 */
export type ParseFiles = (
  files: readonly SeedFile[],
  known: readonly (string | undefined)[],
) => Promise<FileParse[]>;

export interface ScanStats {
  readonly files: number;
  /** Files read and parsed this time (new or changed). */
  readonly changed: number;
  /** Files read this time: the changed ones, and those whose bytes were only hashed (racy, touched). */
  readonly read?: number;
  readonly removed: number;
  /** Files caught mid-write whose last good version was kept: scan again once they settle. */
  readonly held?: number;
  readonly durationMs: number;
}

export interface Scan {
  /** Every file the walk accepted, in walk order. */
  readonly files: readonly ScannedFile[];
  /** What the walk refused (links out of the tree, FIFOs, …). */
  readonly refused: readonly Rejection[];
  /**
   * Nothing changed since the last scan: the same files with the same results (a file re-read
   * whose bytes were the same has the same result), the same refusals. Never true of a scanner's
   * first scan.
   */
  readonly unchanged: boolean;
  readonly changed: number;
  /** Files read (parsed, or hashed and found as they were). */
  readonly read?: number;
  readonly removed: number;
  readonly held: number;
}

const wholeSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * A file modified around the time it was listed may change again without its stamp changing:
 * file systems keep mtime in ticks (a few ms on ext4, 2 s on FAT), so a writer that finishes a
 * file in the same tick as the listing leaves size, mtime and inode as listed while the read saw
 * half of it. Such a file is read again by the next scan (as git treats "racily clean" entries).
 */
export const RACY_WINDOW_MS = 2_000;

const isRacy = (f: SeedFile, listStarted: number, listEnded: number) =>
  f.mtimeMs >= listStarted - RACY_WINDOW_MS && f.mtimeMs <= listEnded + RACY_WINDOW_MS;
const isRejection = (result: FileResult): result is Rejection => 'reason' in result;

/** The tree as a scan listed it: every file (walk order) and refusal, and where it came from. */
interface Listing {
  readonly files: readonly ScannedFile[];
  readonly refused: readonly Rejection[];
  readonly refusedKey: string;
  readonly root: SeedsRoot;
  readonly links: number;
}

/** What one scan looked at: the whole tree, or the paths a watcher reported. */
interface Looked {
  /** Files whose stamps are compared with the cache's. */
  readonly checked: readonly SeedFile[];
  /** Paths no longer in the tree. */
  readonly removed: readonly string[];
  readonly refused: readonly Rejection[];
  /** The scan's list, given the results of the files checked. */
  readonly files: () => readonly ScannedFile[];
  readonly root: SeedsRoot;
  readonly links: number;
}

/**
 * Walks the seeds directory and has the injected parser parse only the files whose size, mtime
 * or inode changed since the last scan of this Scanner; the rest keep their last result. Throws
 * only when the scan fails as a whole (seeds directory missing or unreadable); a bad file is a
 * rejection among the results.
 *
 * Given the paths a watcher reported, a scan looks only at those (a directory is walked whole)
 * and keeps the rest of its last list as it was; it walks the whole tree when it cannot trust that
 * (see walk-paths.ts), and when the tree has symbolic links. Files listed while they were being
 * written (racy) are read again by the next whole walk; a watched file written again is reported.
 */
export class Scanner {
  /** Parse results by path, as the parser gave them, each also its file as last listed. */
  private readonly cache = new Map<string, FileEntry>();
  private last: Listing | undefined;
  /** Paths whose entry was set or deleted since takeChanged() last asked. */
  private changedPaths = new Set<string>();

  constructor(
    private readonly options: ScanOptions,
    private readonly parse: ParseFiles,
  ) {}

  /**
   * Before the first scan: what a snapshot says the files were. A file whose stamp still matches
   * is not read; one whose stamp says "racy" is read and hashed, and parsed only if its bytes changed.
   */
  restore(entries: Iterable<readonly [string, CachedResult]>): void {
    if (this.last) throw new Error('restore() is for a scanner that has not scanned yet');
    for (const [path, cached] of entries) this.cache.set(path, FileEntry.restored(path, cached));
  }

  /** What the scanner knows of each file, as of its last scan. */
  entries(): ReadonlyMap<string, CachedResult> {
    return this.cache;
  }

  /** The paths whose entry changed or went since the last call (a snapshot appends only those). */
  takeChanged(): ReadonlySet<string> {
    const changed = this.changedPaths;
    this.changedPaths = new Set();
    return changed;
  }

  /**
   * The file at a path as the last scan saw it (to read a body again): its entry's, which a scan
   * that read the file replaces, and a walk that lists it again renews.
   */
  fileAt(path: string): SeedFile | undefined {
    return this.cache.get(path)?.file;
  }

  /** `reported`: the paths a watcher saw change; without them, the whole tree is walked. */
  async scan(reported?: Iterable<string>): Promise<Scan> {
    const listStarted = Date.now();
    const looked = (reported && (await this.lookAt(reported))) ?? (await this.walkAll());
    const listEnded = Date.now();

    const stale = looked.checked.filter((f) => !this.cache.get(f.path)?.sameAs(f));
    const parsed = await this.parse(
      stale,
      stale.map((f) => this.cache.get(f.path)?.digest),
    );
    let held = 0;
    let changed = 0;
    stale.forEach((file, i) => {
      this.changedPaths.add(file.path);
      const { result: fresh, digest } = parsed[i]!;
      const racy = isRacy(file, listStarted, listEnded);
      const before = this.cache.get(file.path);
      if (!fresh) {
        // The bytes of its last result, read and hashed again: nothing to parse, nothing changed.
        this.cache.set(file.path, new FileEntry(file, racy, before!.result, digest, before!.since));
        return;
      }
      changed++;
      if (racy && isRejection(fresh) && before && !isRejection(before.result)) {
        // Caught while being rewritten (truncated, half its front matter): the last good version
        // stays until the file has settled, so its article does not drop out of the feeds meanwhile.
        this.cache.set(
          file.path,
          new FileEntry(file, true, before.result, before.digest, before.since),
        );
        held++;
        return;
      }
      this.cache.set(
        file.path,
        new FileEntry(file, racy, fresh, digest, wholeSeconds(file.mtimeMs)),
      );
    });
    for (const path of looked.removed) {
      this.cache.delete(path);
      this.changedPaths.add(path);
    }
    const refusedKey = looked.refused.map((r) => `${r.file}\0${r.reason}`).join('\n');
    const unchanged =
      changed === 0 && looked.removed.length === 0 && this.last?.refusedKey === refusedKey;
    // Unchanged, the last list still holds: the same paths in the same order, with the same results.
    const files = unchanged ? this.last!.files : looked.files();
    this.last = {
      files,
      refused: looked.refused,
      refusedKey,
      root: looked.root,
      links: looked.links,
    };
    return {
      files,
      refused: looked.refused,
      unchanged,
      changed,
      read: stale.length,
      removed: looked.removed.length,
      held,
    };
  }

  /** The file's entry, as this walk lists it (the SeedFile of a later walk replaces an equal one). */
  private scanned(file: SeedFile): ScannedFile {
    const entry = this.cache.get(file.path)!;
    entry.file = file;
    return entry;
  }

  private async walkAll(): Promise<Looked> {
    const walked = await walkSeeds(this.options.seedsDir, {
      extensions: this.options.extensions,
      reuse: (path) => this.cache.get(path)?.file,
    });
    const present = new Set(walked.files.map((f) => f.path));
    return {
      checked: walked.files,
      removed: [...this.cache.keys()].filter((path) => !present.has(path)),
      refused: walked.rejected,
      files: () => walked.files.map((file) => this.scanned(file)),
      root: walked.root,
      links: walked.links,
    };
  }

  /** Undefined when the whole tree must be walked instead. */
  private async lookAt(reported: Iterable<string>): Promise<Looked | undefined> {
    const last = this.last;
    if (!last || last.links > 0) return undefined;
    const { extensions, seedsDir } = this.options;
    const walked = await walkSeedPaths(seedsDir, last.root, reported, { extensions });
    if (!walked) return undefined;
    const { covered } = walked;
    const found = new Set(walked.files.map((f) => f.path));
    const dropped = coveredItems(last.files, covered, (s) => s.file.path);
    const removed = dropped.map((s) => s.file.path).filter((path) => !found.has(path));
    return {
      checked: walked.files,
      removed,
      refused: replaceCovered(last.refused, covered, walked.rejected, (r) => r.file).next,
      files: () => {
        const fresh = walked.files.map((file) => this.scanned(file));
        return replaceCovered(last.files, covered, fresh, (s) => s.file.path).next;
      },
      root: last.root,
      links: 0,
    };
  }
}
