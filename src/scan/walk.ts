import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import path from 'node:path';
import type { Rejection, SeedFile } from '../model.js';
import { isInside } from './inside.js';
import { joinedPath } from './seed-path.js';
import { smallInt } from './small-int.js';

export interface WalkOptions {
  /** Lower-case extensions with their dot, e.g. `.md`. */
  readonly extensions: readonly string[];
  /**
   * The SeedFile a previous walk listed at a path: when this walk finds the very same (every
   * field equal), it lists that object again, and its own dies young. A rescan of 100,000 files
   * otherwise left the last walk's SeedFiles and paths (~20 MB) to the old generation every time.
   */
  readonly reuse?: (path: string) => SeedFile | undefined;
}

export interface SeedsRoot {
  /** The seeds directory's real path. */
  readonly real: string;
  /** Its device and inode: another directory in its place is another tree. */
  readonly id: string;
}

export interface WalkResult {
  /** Sorted by path. */
  readonly files: SeedFile[];
  readonly rejected: Rejection[];
  /** Symbolic links met, followed or refused: what one of them shows depends on the rest of the tree. */
  readonly links: number;
  readonly root: SeedsRoot;
}

/** Names that are never seeds: hidden files, editor backups and swap files, Emacs autosaves. */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') ||
    name.endsWith('~') ||
    /\.sw[a-p]$/i.test(name) ||
    (name.startsWith('#') && name.endsWith('#'))
  );
}

function sameSeedFile(a: SeedFile, b: SeedFile): boolean {
  return (
    a.path === b.path &&
    a.absPath === b.absPath &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.root === b.root
  );
}

function hasSeedExtension(name: string, extensions: readonly string[]): boolean {
  return extensions.includes(path.extname(name).toLowerCase());
}

/**
 * Lists candidate seed files under `root`, recursively.
 *
 * Symbolic links are followed only while they resolve inside `root`; a directory reached twice
 * (a symlink loop, or two links to one place) is walked once. Throws only when `root` itself
 * cannot be read: per-file problems are returned as rejections.
 *
 * Every file's real path (a link's is its target's: `absPath`, else root + path) is read, and it carries the device and
 * inode seen here and the seeds directory's real path: the read (read.ts) opens exactly that file
 * or nothing, whatever is swapped in after this listing.
 */
export async function walkSeeds(root: string, options: WalkOptions): Promise<WalkResult> {
  const seeds = await seedsRoot(root);
  const walker = new Walker(seeds.real, options, [seeds.id]);
  await walker.visit(seeds.real, '');
  await walker.visitLinkedDirs();
  return { ...walker.result(), root: seeds };
}

/** The seeds directory's real path and identity; throws if it is not a directory. */
export async function seedsRoot(root: string): Promise<SeedsRoot> {
  const real = await realpath(root);
  const st = await stat(real);
  if (!st.isDirectory()) throw new Error(`${root} is not a directory`);
  return { real, id: `${st.dev}:${st.ino}` };
}

/**
 * The walk's rules, for the whole tree (walkSeeds) or for some of its paths (walk-paths.ts): which
 * names are seeds, which entries are refused, links followed only inside the root, each directory
 * entered once by identity.
 */
export class Walker {
  readonly files: SeedFile[] = [];
  readonly rejected: Rejection[] = [];
  /** Symbolic links met, followed or refused. */
  links = 0;
  private readonly visitedDirs: Set<string>;
  /** Directories reached through a link: walked after every real directory, so which path lists a file never depends on timing. */
  private readonly linkedDirs: Array<[key: string, real: string, rel: string]> = [];
  private sinceYield = 0;

  /** `entered`: identities (`dev:ino`) of directories already walked or being walked (the root, at least). */
  constructor(
    private readonly rootReal: string,
    private readonly options: WalkOptions,
    entered: Iterable<string>,
  ) {
    this.visitedDirs = new Set(entered);
  }

  /** What was found, sorted by path. */
  result(): Omit<WalkResult, 'root'> {
    this.files.sort((a, b) => compareStrings(a.path, b.path));
    this.rejected.sort((a, b) => compareStrings(a.file, b.file));
    return { files: this.files, rejected: this.rejected, links: this.links };
  }

  isSeedName(name: string): boolean {
    return hasSeedExtension(name, this.options.extensions);
  }

  /** A directory entry that is not a directory or a link, as lstat saw it. */
  addFile(rel: string, abs: string, st: Stats): void {
    if (st.isFile()) {
      const file: SeedFile = {
        path: rel,
        ...(abs === joinedPath(this.rootReal, rel) ? {} : { absPath: abs }),
        size: smallInt(st.size),
        mtimeMs: st.mtimeMs,
        ino: smallInt(st.ino),
        dev: smallInt(st.dev),
        root: this.rootReal,
      };
      const before = this.options.reuse?.(rel);
      this.files.push(before && sameSeedFile(before, file) ? before : file);
    } else {
      const kind = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'not a regular file';
      this.rejected.push({ file: rel, reason: `skipped: ${kind}, not a regular file` });
    }
  }

  // Synchronous calls in slices, yielding between them: a stat through the thread pool costs
  // more than the stat itself (an unchanged rescan is mostly this walk), and the yields keep
  // requests flowing while a big directory is listed.
  private async maybeYield(): Promise<void> {
    if (++this.sinceYield >= 512) {
      this.sinceYield = 0;
      await yieldToEventLoop();
    }
  }

  /** Lists a directory (`dirRel` '' is the root: failing to read it fails the walk) and walks its subdirectories. */
  async visit(dirAbs: string, dirRel: string): Promise<void> {
    const subdirs: Array<[string, string]> = [];
    let entries;
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (error) {
      if (dirRel === '') throw error; // the seeds directory itself: the scan fails as a whole
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed since it was listed
      this.rejected.push({
        file: `${dirRel}/`,
        reason: `skipped: directory could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      return;
    }
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const abs = `${dirAbs}${path.sep}${entry.name}`;
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        const st = lstatSync(abs, { throwIfNoEntry: false });
        if (!st) continue; // removed since it was listed
        if (st.isSymbolicLink()) {
          // Swapped for a link since it was listed: vetted as a link, never entered as the directory it was.
          this.visitLink(abs, rel);
          continue;
        }
        if (!st.isDirectory()) continue; // replaced by a file since it was listed: the next scan sees it
        if (this.enter(st)) subdirs.push([abs, rel]);
      } else if (entry.isSymbolicLink()) {
        this.visitLink(abs, rel);
      } else if (this.isSeedName(entry.name)) {
        const st = lstatSync(abs, { throwIfNoEntry: false });
        if (st) this.addFile(rel, abs, st); // else: deleted while we listed
      }
      await this.maybeYield();
    }
    for (const [abs, rel] of subdirs) await this.visit(abs, rel);
  }

  /** Whether a directory is walked now: false if it was already (a loop, or one place reached twice). */
  enter(st: Stats): boolean {
    const key = `${st.dev}:${st.ino}`;
    if (this.visitedDirs.has(key)) return false;
    this.visitedDirs.add(key);
    return true;
  }

  visitLink(abs: string, rel: string): void {
    this.links++;
    let target: string;
    let st: Stats;
    try {
      target = realpathSync(abs);
      st = statSync(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ELOOP' ? 'a symbolic link loop' : 'a broken symbolic link';
      if (this.isSeedName(rel)) this.rejected.push({ file: rel, reason: `skipped: ${why}` });
      return;
    }
    if (!isInside(this.rootReal, target)) {
      this.rejected.push({
        file: rel,
        reason: 'skipped: symbolic link points outside the seeds directory',
      });
      return;
    }
    // Entered, and read, by the real path just checked: what the link points to later is never followed.
    if (st.isDirectory()) {
      this.linkedDirs.push([`${st.dev}:${st.ino}`, target, rel]);
    } else if (this.isSeedName(rel)) {
      this.addFile(rel, target, st);
    }
  }

  async visitLinkedDirs(): Promise<void> {
    while (this.linkedDirs.length > 0) {
      const batch = this.linkedDirs.splice(0).sort((a, b) => compareStrings(a[2], b[2]));
      for (const [key, abs, rel] of batch) {
        if (this.visitedDirs.has(key)) continue;
        this.visitedDirs.add(key);
        await this.visit(abs, rel);
      }
    }
  }
}

/** Code-unit order: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
