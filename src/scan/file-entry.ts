import type { SeedFile } from '../model.js';
import {
  RACY,
  type CachedResult,
  type FileResult,
  type ScannedFile,
  type Stamp,
} from './scan-records.js';

const wholeSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * One file as the scanner keeps it between scans, and as the last scan listed it: its cache entry
 * and its ScannedFile are one object, which holds the walk's own SeedFile as its stamp. (They were
 * two objects and the stamp a third's: a later walk's SeedFile was listed while the one read was
 * kept as the stamp, two per file after the first rescan.)
 */
export class FileEntry implements CachedResult, ScannedFile {
  constructor(
    /** The file as the last walk listed it; until one has, the stamp a snapshot recorded. */
    public file: SeedFile,
    /** Read again by the next scan: its stamp says nothing. */
    readonly racy: boolean,
    readonly result: FileResult,
    readonly digest: string | undefined,
    readonly since: number | undefined,
  ) {}

  /** A snapshot's entry, before any walk: the path and the stamp it recorded. */
  static restored(path: string, cached: CachedResult): FileEntry {
    const { stamp } = cached;
    const file = stamp === RACY ? { path, size: -1, mtimeMs: -1, ino: -1 } : { path, ...stamp };
    return new FileEntry(file, stamp === RACY, cached.result, cached.digest, cached.since);
  }

  get stamp(): Stamp | typeof RACY {
    return this.racy ? RACY : this.file;
  }

  get modified(): number {
    return this.since ?? wholeSeconds(this.file.mtimeMs);
  }

  /** Whether the file the walk lists is the one read: same size, mtime and inode, not racy. */
  sameAs(f: SeedFile): boolean {
    const file = this.file;
    return !this.racy && file.size === f.size && file.mtimeMs === f.mtimeMs && file.ino === f.ino;
  }
}
