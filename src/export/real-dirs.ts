import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../scan/inside.js';
import { tempPathFor } from './atomic.js';

/**
 * Directories the export writes into are real directories, never symbolic links.
 *
 * --out itself is the operator's choice and may be a link: writeSite resolves it once, and from
 * there on addresses everything by real paths. A link met *below* it (`feeds/categories ->
 * /elsewhere`) is not followed: writing through it would fill /elsewhere, and deleting through it
 * would empty it. The export then stops with LinkInOutputError, before anything lands behind the
 * link, and the previous export stays as it was. Not replaced silently: whoever made the link may
 * have meant it (a big subtree on another disk), and a link nobody meant is worth being told of.
 */
export class LinkInOutputError extends Error {
  override readonly name = 'LinkInOutputError';
  constructor(
    readonly dir: string,
    target: string | undefined,
  ) {
    super(
      `${dir} is a symbolic link (to ${target ?? 'somewhere'}); seedfeed does not write or delete through links inside the output directory: ` +
        'remove the link (the next export makes a real directory there), or point --out itself where the files should go',
    );
  }
}

function notADirectory(dir: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), {
    code: 'ENOTDIR',
    path: dir,
    syscall: 'mkdir',
  });
}

function readlinkOrUndefined(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException).code === code;

/**
 * Makes directories below a real root, each once per export (concurrent asks share one promise),
 * refusing any that exists as a symbolic link.
 *
 * A directory that does not exist yet is not made at its name while the export writes: it is made
 * under a temporary name beside it (atomic.ts), and whatever goes below it is written there under
 * its own name, with no temporary of its own. `commit` renames it into place, once, after every
 * file was written; `discard` removes it. No reader sees it half filled, and a cold export costs
 * one mkdir per directory and no rename (nor lstat) per file. `ensure` says where the files of a
 * directory go meanwhile.
 */
export class OutputDirs {
  private readonly ready = new Map<string, Promise<string>>();
  private readonly staged: { readonly temp: string; readonly dir: string }[] = [];
  private staging = true;

  /** `root`: the real path of the output directory, which exists. */
  constructor(readonly root: string) {}

  /** Where the files of `dir` go: `dir` itself, or its place inside a directory not yet committed. */
  ensure(dir: string): Promise<string> {
    if (dir === this.root) return Promise.resolve(dir);
    let ready = this.ready.get(dir);
    if (!ready) this.ready.set(dir, (ready = this.make(dir)));
    return ready;
  }

  /** Renames the new directories into place (their files all written); later ones are made in place. */
  async commit(): Promise<void> {
    this.staging = false;
    this.ready.clear();
    for (const { temp, dir } of this.staged.splice(0)) await moveInto(temp, dir);
  }

  /** Removes the new directories and all that was written in them. */
  async discard(): Promise<void> {
    this.staging = false;
    this.ready.clear();
    await Promise.all(
      this.staged.splice(0).map(({ temp }) => rm(temp, { recursive: true, force: true })),
    );
  }

  private async make(dir: string): Promise<string> {
    if (!isInside(this.root, dir))
      throw new Error(`${dir} is outside the output directory ${this.root}`);
    const parent = path.dirname(dir);
    const parentAt = await this.ensure(parent);
    // Below a directory this export made: new as well, made without a look first.
    if (parentAt !== parent) return makeReal(path.join(parentAt, path.basename(dir)));
    const st = await lstat(dir).catch((error: unknown) => {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    });
    if (st) return checkedDir(dir, st);
    if (!this.staging) return makeReal(dir);
    const temp = tempPathFor(dir);
    await mkdir(temp); // in a parent just checked: a real directory
    this.staged.push({ temp, dir });
    return temp;
  }
}

/** Makes `dir` in a real parent (not recursive: that would follow links), or checks the one there. */
async function makeReal(dir: string): Promise<string> {
  try {
    await mkdir(dir);
    return dir;
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  }
  return checkedDir(dir, await lstat(dir));
}

async function checkedDir(dir: string, st: Stats): Promise<string> {
  if (st.isSymbolicLink())
    throw new LinkInOutputError(dir, await readlink(dir).catch(() => undefined));
  if (!st.isDirectory()) throw notADirectory(dir);
  return dir;
}

/**
 * Renames the staged directory `from` to `to`; when `to` appeared meanwhile (made by someone else),
 * moves what `from` holds into it, entry by entry, through real directories only.
 */
async function moveInto(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (error) {
    if (!['ENOTEMPTY', 'EEXIST', 'ENOTDIR'].some((code) => isCode(error, code))) throw error;
  }
  await checkedDir(to, await lstat(to));
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [a, b] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) await moveInto(a, b);
    else await rename(a, b);
  }
  await rmdir(from);
}

/**
 * The same for the worker threads, which do not know where the output directory starts: every
 * directory from `dir` up to the file-system root must be a real one (writeSite hands them the
 * real path of --out, so the part above it always is). `made` remembers those checked already.
 */
export function ensureRealDirSync(dir: string, made: Set<string>): void {
  if (realDirExistsSync(dir, made)) return;
  try {
    mkdirSync(dir); // made here, in a parent just checked: a real directory
    made.add(dir);
    return;
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  }
  checkedDirSync(dir, lstatSync(dir)); // made meanwhile by another worker: checked like any other
  made.add(dir);
}

/**
 * Whether `dir` is there (a real directory: a link or a file there is refused); the directories
 * above it are made and checked as by ensureRealDirSync.
 */
export function realDirExistsSync(dir: string, made: Set<string>): boolean {
  if (made.has(dir)) return true;
  const parent = path.dirname(dir);
  if (parent !== dir) ensureRealDirSync(parent, made);
  // Looked at first (not made first, as in OutputDirs): the way up passes directories outside --out.
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return false;
  checkedDirSync(dir, st);
  made.add(dir);
  return true;
}

function checkedDirSync(dir: string, st: Stats): void {
  if (st.isSymbolicLink()) throw new LinkInOutputError(dir, readlinkOrUndefined(dir));
  if (!st.isDirectory()) throw notADirectory(dir);
}

/**
 * Makes `dir`, whose parent is a directory this export staged (OutputDirs) or made inside one: it
 * is new, so it is made without a look first; one there already (made by another worker) is checked.
 */
export function makeStagedDirSync(dir: string, made: Set<string>): void {
  if (made.has(dir)) return;
  ensureRealDirSync(path.dirname(dir), made);
  try {
    mkdirSync(dir);
    made.add(dir);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
    ensureRealDirSync(dir, made);
  }
}

/**
 * The first directory on the way from `root` to `rel` (its last segment excluded) that is a
 * symbolic link, relative to `root`; undefined when there is none (or the way ends early: then
 * there is nothing to delete either).
 */
export async function linkOnTheWay(root: string, rel: string): Promise<string | undefined> {
  const segments = rel.split('/').slice(0, -1);
  let current = root;
  for (let i = 0; i < segments.length; i++) {
    current = path.join(current, segments[i]!);
    const st = await lstat(current).catch(() => undefined);
    if (!st || !st.isDirectory())
      return st?.isSymbolicLink() ? segments.slice(0, i + 1).join('/') : undefined;
  }
  return undefined;
}
