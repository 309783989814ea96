import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import path from 'node:path';
import type { Rejection, SeedFile } from '../model.js';
import { isInside } from './inside.js';

export interface WalkOptions {
  /** Lower-case extensions with their dot, e.g. `.md`. */
  readonly extensions: readonly string[];
}

export interface WalkResult {
  /** Sorted by path. */
  readonly files: SeedFile[];
  readonly rejected: Rejection[];
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
 * Every file's `absPath` is a real path (a link's is its target's), and it carries the device and
 * inode seen here and the seeds directory's real path: the read (read.ts) opens exactly that file
 * or nothing, whatever is swapped in after this listing.
 */
export async function walkSeeds(root: string, options: WalkOptions): Promise<WalkResult> {
  const rootReal = await realpath(root);
  const rootStat = await stat(rootReal);
  if (!rootStat.isDirectory()) throw new Error(`${root} is not a directory`);

  const files: SeedFile[] = [];
  const rejected: Rejection[] = [];
  const visitedDirs = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  /** Directories reached through a link: walked after every real directory, so which path lists a file never depends on timing. */
  const linkedDirs: Array<[key: string, real: string, rel: string]> = [];

  const addFile = (rel: string, abs: string, st: Stats) => {
    if (st.isFile()) {
      files.push({
        path: rel,
        absPath: abs,
        size: st.size,
        mtimeMs: st.mtimeMs,
        ino: st.ino,
        dev: st.dev,
        root: rootReal,
      });
    } else {
      const kind = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'not a regular file';
      rejected.push({ file: rel, reason: `skipped: ${kind}, not a regular file` });
    }
  };

  // Synchronous calls in slices, yielding between them: a stat through the thread pool costs
  // more than the stat itself (an unchanged rescan is mostly this walk), and the yields keep
  // requests flowing while a big directory is listed.
  let sinceYield = 0;
  const maybeYield = async () => {
    if (++sinceYield >= 512) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  };

  async function visit(dirAbs: string, dirRel: string): Promise<void> {
    const subdirs: Array<[string, string]> = [];
    let entries;
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (error) {
      if (dirRel === '') throw error; // the seeds directory itself: the scan fails as a whole
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed since it was listed
      rejected.push({
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
          visitLink(abs, rel);
          continue;
        }
        if (!st.isDirectory()) continue; // replaced by a file since it was listed: the next scan sees it
        const key = `${st.dev}:${st.ino}`;
        if (!visitedDirs.has(key)) {
          visitedDirs.add(key);
          subdirs.push([abs, rel]);
        }
      } else if (entry.isSymbolicLink()) {
        visitLink(abs, rel);
      } else if (hasSeedExtension(entry.name, options.extensions)) {
        const st = lstatSync(abs, { throwIfNoEntry: false });
        if (st) addFile(rel, abs, st); // else: deleted while we listed
      }
      await maybeYield();
    }
    for (const [abs, rel] of subdirs) await visit(abs, rel);
  }

  function visitLink(abs: string, rel: string): void {
    let target: string;
    let st: Stats;
    try {
      target = realpathSync(abs);
      st = statSync(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ELOOP' ? 'a symbolic link loop' : 'a broken symbolic link';
      if (hasSeedExtension(rel, options.extensions))
        rejected.push({ file: rel, reason: `skipped: ${why}` });
      return;
    }
    if (!isInside(rootReal, target)) {
      rejected.push({
        file: rel,
        reason: 'skipped: symbolic link points outside the seeds directory',
      });
      return;
    }
    // Entered, and read, by the real path just checked: what the link points to later is never followed.
    if (st.isDirectory()) {
      linkedDirs.push([`${st.dev}:${st.ino}`, target, rel]);
    } else if (hasSeedExtension(rel, options.extensions)) {
      addFile(rel, target, st);
    }
  }

  await visit(rootReal, '');
  while (linkedDirs.length > 0) {
    for (const [key, abs, rel] of linkedDirs.splice(0).sort((a, b) => compareStrings(a[2], b[2]))) {
      if (visitedDirs.has(key)) continue;
      visitedDirs.add(key);
      await visit(abs, rel);
    }
  }
  files.sort((a, b) => compareStrings(a.path, b.path));
  rejected.sort((a, b) => compareStrings(a.file, b.file));
  return { files, rejected };
}

/** Code-unit order: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
