import { lstat, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../scan/inside.js';
import { linkOnTheWay } from './real-dirs.js';

/**
 * Removes the files an earlier export wrote that the site no longer has. `root` is the real path
 * of the output directory; `stale` are manifest entries already checked as text (manifest.ts) and
 * for links on their way (writeSite, before anything was written). Checked for links once more
 * right before each removal, since the tree may have changed meanwhile; a file is unlinked (a
 * link there goes, not what it points to), a directory where a file was is left alone.
 * Returns how many entries were dropped.
 */
export async function removeStale(root: string, stale: readonly string[]): Promise<number> {
  for (const rel of stale) {
    if ((await linkOnTheWay(root, rel)) !== undefined) continue;
    const file = path.join(root, rel);
    try {
      await unlink(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone already, or not a file (a directory someone made there): nothing of ours to remove.
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EPERM')
        throw error;
    }
    await removeEmptyParents(path.dirname(file), root);
  }
  return stale.length;
}

/** Removes `dir` and its parents while they are empty, stopping at `root` (never above it, never at a link). */
async function removeEmptyParents(dir: string, root: string): Promise<void> {
  for (
    let current = dir;
    current !== root && isInside(root, current);
    current = path.dirname(current)
  ) {
    const st = await lstat(current).catch(() => undefined);
    if (!st?.isDirectory()) return;
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone)
    }
  }
}
