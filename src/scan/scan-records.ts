import type { Draft, Rejection, SeedFile } from '../model.js';

/** The scanner's per-file records, apart so that scanner.ts and file-entry.ts both import them. */

/** What a file turned into: a Draft, or why it cannot be used. */
export type FileResult = Draft | Rejection;

export interface ScannedFile {
  readonly file: SeedFile;
  /** This scan's parse, or the last one if the file did not change (or was caught mid-write). */
  readonly result: FileResult;
  /** When these bytes first appeared: the file's mtime (ms, whole seconds) as it was then. */
  readonly modified?: number;
}

export const RACY = 'racy';

/** What tells a file unchanged since it was read: its size, mtime and inode then (a SeedFile is one). */
export type Stamp = Pick<SeedFile, 'size' | 'mtimeMs' | 'ino'>;

/** What the scanner keeps of a file between scans (and, through catalog/snapshot.ts, restarts). */
export interface CachedResult {
  /**
   * The file as the scan that read it listed it (the walk's own SeedFile: no copy is kept), or
   * "racy": read again by the next scan.
   */
  readonly stamp: Stamp | typeof RACY;
  readonly result: FileResult;
  /** Of the bytes `result` came from: the same bytes again are not parsed again. */
  readonly digest?: string;
  /**
   * The file's mtime (ms, whole seconds) when these bytes were first read: a file touched, or
   * copied without its times, still has the bytes it had then (a Last-Modified source).
   */
  readonly since?: number;
}
