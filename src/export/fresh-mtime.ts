import { lstatSync } from 'node:fs';
import { lstat, utimes } from 'node:fs/promises';

/**
 * nginx (and rsync, and most static hosts) derive validators from a file's mtime and size, in
 * whole seconds: `ETag: "<mtime hex>-<size hex>"`. A document rewritten within the second it was
 * last written, at the same size, would keep its ETag. So a rewritten file gets an mtime one
 * second past its old one at least: max(now, old + 1 s). Unchanged files are never touched.
 */
export function nextMtimeSeconds(oldSeconds: number | undefined, nowSeconds: number): number {
  return oldSeconds === undefined ? nowSeconds : Math.max(nowSeconds, oldSeconds + 1);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Gives the staged `temps` of `file` (the document and its siblings) one mtime past the file's;
 * `file` undefined: known to be new (in a directory this export made), nothing to look at.
 */
export async function stampTemps(
  file: string | undefined,
  temps: readonly string[],
): Promise<void> {
  const old = file === undefined ? undefined : await lstat(file).catch(() => undefined);
  const t = nextMtimeSeconds(old && Math.floor(old.mtimeMs / 1000), nowSeconds());
  await Promise.all(temps.map((temp) => utimes(temp, t, t)));
}

/**
 * The mtime the synchronous writers (stage-document.ts) give a document and its siblings through
 * their open descriptors (futimes: no second walk of the path per file); `file` as for stampTemps.
 */
export function freshMtimeSync(file: string | undefined): number {
  const old = file === undefined ? undefined : lstatSync(file, { throwIfNoEntry: false });
  return nextMtimeSeconds(old && Math.floor(old.mtimeMs / 1000), nowSeconds());
}
