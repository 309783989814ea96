import { lstatSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Rejection, SeedFile } from '../model.js';
import { compareStrings, isIgnoredName, seedsRoot, Walker, type WalkOptions } from './walk.js';

export interface PathsWalk {
  /**
   * The paths looked at, relative to the root: nothing at or under one of them is in the tree but
   * what `files` and `rejected` hold (a path that is gone, a file, or a directory walked whole).
   */
  readonly covered: readonly string[];
  /** Sorted by path. */
  readonly files: readonly SeedFile[];
  readonly rejected: readonly Rejection[];
}

/**
 * The walk's answer for some paths of the tree (those a watcher reported), by the walk's own rules:
 * a file is listed, a directory is walked whole, a path that is gone is covered with nothing in it.
 * `paths` are absolute, or relative to the current directory, as the watcher made them.
 *
 * Undefined when the walk of these paths alone cannot be trusted to match a walk of the whole
 * tree: the seeds directory is not `root` any more (replaced, or another path), a path is the root
 * itself or outside it, or a symbolic link is met on the way (which path lists what a link points
 * to depends on the rest of the tree). The caller then walks the whole tree.
 */
export async function walkSeedPaths(
  seedsDir: string,
  expected: { readonly real: string; readonly id: string },
  paths: Iterable<string>,
  options: WalkOptions,
): Promise<PathsWalk | undefined> {
  const root = await seedsRoot(seedsDir);
  if (root.real !== expected.real || root.id !== expected.id) return undefined;
  const given = path.resolve(seedsDir);
  const rels: string[] = [];
  for (const p of paths) {
    const rel = path.relative(given, path.resolve(p));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    rels.push(rel.split(path.sep).join('/'));
  }
  const covered = outermost(rels).filter((rel) => !rel.split('/').some(isIgnoredName));
  const walker = new Walker(root.real, options, [root.id]);
  for (const rel of covered) {
    const done = await visitPath(walker, root.real, rel);
    if (!done || walker.links > 0) return undefined;
  }
  const { files, rejected } = walker.result();
  return { covered, files, rejected };
}

/** The paths, sorted, without those inside another of them (walking the outer one covers them). */
function outermost(rels: readonly string[]): string[] {
  const sorted = [...new Set(rels)].sort(compareStrings);
  const out: string[] = [];
  const kept = new Set<string>();
  for (const rel of sorted) {
    const parts = rel.split('/');
    const inside = parts.some((_, i) => i > 0 && kept.has(parts.slice(0, i).join('/')));
    if (inside) continue;
    kept.add(rel);
    out.push(rel);
  }
  return out;
}

/** False when a link is in the way, or a directory cannot be looked into: the whole tree must be walked. */
async function visitPath(walker: Walker, rootReal: string, rel: string): Promise<boolean> {
  const parts = rel.split('/');
  let abs = rootReal;
  // Its directories must still be real ones (a watcher reports only from those, but one may have
  // been swapped since): entered as the walk would, so that a loop back to them is not walked.
  for (const part of parts.slice(0, -1)) {
    abs = `${abs}${path.sep}${part}`;
    const st = lstatOrGone(abs);
    if (st === 'unreadable' || st?.isSymbolicLink()) return false;
    if (!st?.isDirectory()) return true; // gone, and all it held
    walker.enter(st);
  }
  abs = `${abs}${path.sep}${parts[parts.length - 1]!}`;
  const st = lstatOrGone(abs);
  if (st === 'unreadable' || st?.isSymbolicLink()) return false;
  if (!st) return true;
  if (st.isDirectory()) {
    if (walker.enter(st)) await walker.visit(abs, rel);
  } else if (walker.isSeedName(rel)) {
    walker.addFile(rel, abs, st);
  }
  return true;
}

function lstatOrGone(abs: string): Stats | undefined | 'unreadable' {
  try {
    return lstatSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : 'unreadable';
  }
}
