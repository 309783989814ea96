import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { lstat, mkdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../scan/inside.js';

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
 */
export class OutputDirs {
  private readonly ready = new Map<string, Promise<void>>();

  /** `root`: the real path of the output directory, which exists. */
  constructor(readonly root: string) {}

  ensure(dir: string): Promise<void> {
    if (dir === this.root) return Promise.resolve();
    let ready = this.ready.get(dir);
    if (!ready) this.ready.set(dir, (ready = this.make(dir)));
    return ready;
  }

  private async make(dir: string): Promise<void> {
    if (!isInside(this.root, dir))
      throw new Error(`${dir} is outside the output directory ${this.root}`);
    await this.ensure(path.dirname(dir));
    // Made here, in a parent just checked, it is a real directory. Not recursive: that would follow links.
    const made = await mkdir(dir).then(
      () => true,
      (error: unknown) => {
        if (isCode(error, 'EEXIST')) return false;
        throw error;
      },
    );
    if (made) return;
    const st = await lstat(dir);
    if (st.isSymbolicLink())
      throw new LinkInOutputError(dir, await readlink(dir).catch(() => undefined));
    if (!st.isDirectory()) throw notADirectory(dir);
  }
}

/**
 * The same for the worker threads, which do not know where the output directory starts: every
 * directory from `dir` up to the file-system root must be a real one (writeSite hands them the
 * real path of --out, so the part above it always is). `made` remembers those checked already.
 */
export function ensureRealDirSync(dir: string, made: Set<string>): void {
  if (made.has(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) ensureRealDirSync(parent, made);
  // Looked at first (not made first, as above): the way up passes directories outside --out.
  let st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st) {
    try {
      mkdirSync(dir); // made here, in a parent just checked: a real directory
      made.add(dir);
      return;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
    st = lstatSync(dir); // made meanwhile by another worker: checked like any other
  }
  if (st.isSymbolicLink()) throw new LinkInOutputError(dir, readlinkOrUndefined(dir));
  if (!st.isDirectory()) throw notADirectory(dir);
  made.add(dir);
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
