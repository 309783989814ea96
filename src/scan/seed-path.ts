import path from 'node:path';
import type { SeedFile } from '../model.js';

/** How the walk joins the seeds directory's real path and a path inside it. */
export const joinedPath = (root: string, rel: string): string => `${root}${path.sep}${rel}`;

/** Where a seed is read from: its own real path if the walk gave one, else the root's joined with its path. */
export function seedPath(file: SeedFile): string {
  if (file.absPath !== undefined) return file.absPath;
  if (file.root === undefined)
    throw new Error(`${file.path}: a seed file with neither absPath nor root`);
  return joinedPath(file.root, file.path);
}
