import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isTempName, tempPathFor, writeFileAtomic } from './atomic.js';
import type { OutputDirs } from './real-dirs.js';

/**
 * Two-step writes for a whole export: every file is first written under a temporary name next to
 * its final one, and only once all of them are written are they renamed into place. A failing
 * write (a full disk, a read-only directory) then leaves the previous export as it was.
 * Temporary names are those of writeFileAtomic (atomic.ts).
 */

export interface Staged {
  readonly temp: string;
  readonly file: string;
}

/**
 * Writes `data` under a temporary name beside `file`; removes it again if the write fails. The
 * directory is made through `dirs`, which refuses symbolic links inside the output directory.
 */
export async function stageFile(
  file: string,
  data: Uint8Array | string,
  dirs: OutputDirs,
): Promise<Staged> {
  await dirs.ensure(path.dirname(file));
  const temp = tempPathFor(file);
  try {
    // wx: a fresh file or an error, never through whatever (a link) might wait at that name.
    await writeFile(temp, data, { flag: 'wx' });
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { temp, file };
}

export async function commitStaged(staged: Staged): Promise<void> {
  await rename(staged.temp, staged.file);
}

export async function discardStaged(staged: readonly Staged[]): Promise<void> {
  await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
}

/** Present in the output directory while an export is under way: a crash leaves it behind. */
export const EXPORT_MARKER = '.seedfeed-export-running';

export async function markExportStarted(marker: string): Promise<void> {
  // Renamed into place: a link left at that name is replaced, not written through.
  await writeFileAtomic(marker, `${process.pid}\n`);
}

/**
 * Removes temporary files a killed export left behind (a crash between writing and renaming) in
 * `dir`, and with `recursive` anywhere under it; returns how many. Symbolic links are not followed.
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
    if (entry.isDirectory()) {
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
