import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isTempName, tempPathFor, writeFileAtomic } from './atomic.js';
import type { OutputDirs } from './real-dirs.js';

/**
 * Two-step writes for a whole export: every file is first written under a temporary name next to
 * its final one, and only once all of them are written are they renamed into place. A failing
 * write (a full disk, a read-only directory) then leaves the previous export as it was. A directory
 * the export makes is itself staged (real-dirs.ts): its files are written in it under their own
 * names, and it is renamed into place as a whole. Temporary names are those of writeFileAtomic
 * (atomic.ts), for files and directories alike.
 */

export interface Staged {
  /** Where the bytes were written. */
  readonly temp: string;
  readonly file: string;
  /**
   * Written under its own name inside a directory new to this export (real-dirs.ts): no rename of
   * its own, the directory's places it, and there is no older file to replace.
   */
  readonly inNewDir: boolean;
}

/**
 * Writes `data` under a temporary name beside `file` (or at its name, when its directory is new:
 * see OutputDirs); removes it again if the write fails. The directory is made through `dirs`,
 * which refuses symbolic links inside the output directory.
 */
export async function stageFile(
  file: string,
  data: Uint8Array | string,
  dirs: OutputDirs,
): Promise<Staged> {
  const dir = path.dirname(file);
  const at = await dirs.ensure(dir);
  const inNewDir = at !== dir;
  const temp = inNewDir ? path.join(at, path.basename(file)) : tempPathFor(file);
  try {
    // wx: a fresh file or an error, never through whatever (a link) might wait at that name.
    await writeFile(temp, data, { flag: 'wx' });
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { temp, file, inNewDir };
}

export async function commitStaged(staged: Staged): Promise<void> {
  if (!staged.inNewDir) await rename(staged.temp, staged.file);
}

/** Removes the temporaries (files in new directories go with them: OutputDirs.discard). */
export async function discardStaged(staged: readonly Staged[]): Promise<void> {
  await Promise.all(staged.map((s) => s.inNewDir || rm(s.temp, { force: true })));
}

/** Present in the output directory while an export is under way: a crash leaves it behind. */
export const EXPORT_MARKER = '.seedfeed-export-running';

export async function markExportStarted(marker: string): Promise<void> {
  // Renamed into place: a link left at that name is replaced, not written through.
  await writeFileAtomic(marker, `${process.pid}\n`);
}

/**
 * Removes temporary files and directories a killed export left behind (a crash between writing and
 * renaming) in `dir`, and with `recursive` anywhere under it; returns how many. Symbolic links are
 * not followed.
 */
export async function removeLeftoverTemps(
  dir: string,
  options: { recursive?: boolean } = {},
): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0; // not there yet, or not readable: nothing of ours to clean
  }
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory() && isTempName(entry.name)) {
      // A directory new to that export, never renamed into place: all of it is temporary.
      await rm(abs, { recursive: true, force: true });
      removed++;
    } else if (entry.isDirectory()) {
      if (options.recursive) removed += await removeLeftoverTemps(abs, options);
    } else if (entry.isFile() && isTempName(entry.name)) {
      await rm(abs, { force: true });
      removed++;
    }
  }
  return removed;
}

/** An export that could not be completed; `code` is the file-system error's. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  readonly code: string | undefined;
  constructor(outDir: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException;
    super(
      `export to ${outDir} failed: ${e?.message ?? String(cause)}; the previous export is kept`,
      { cause },
    );
    this.code = e?.code;
  }
}
