import { constants, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { readlink, realpath } from 'node:fs/promises';
import type { SeedFile } from '../model.js';
import { isInside } from './inside.js';

/**
 * How a seed is opened, and what the opened file must be before a byte of it is read.
 *
 * The walk vets each entry by its lstat; a read that merely opened the path again would read
 * whatever is there by then — a symbolic link to /etc/passwd swapped in for a vetted file, a FIFO
 * that blocks the read forever. So the read opens without following a final link, and checks the
 * open file itself (its fstat and, where the system says, its real path): it must be a regular file,
 * the very one the walk saw (device and inode), and still inside the seeds directory. Checks on the
 * descriptor cannot be raced: whatever the path holds afterwards, this is the file that is read.
 */

const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0, O_NOCTTY = 0 } = constants;

/**
 * A final symbolic link fails the open (ELOOP) instead of being followed; a FIFO opens at once
 * instead of waiting for a writer (and is then refused by its fstat); a terminal swapped in cannot
 * become the process's controlling terminal. O_NONBLOCK does nothing to reads of regular files.
 */
export const SEED_OPEN_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a directory';
  return 'something other than a regular file';
}

/** Why an open failed, in words for the scan report, for the failures a swap causes. */
export function openFailure(code: string | undefined): string | undefined {
  // ELOOP: Linux and macOS refuse a final link under O_NOFOLLOW so; EMLINK: FreeBSD does.
  if (code === 'ELOOP' || code === 'EMLINK')
    return 'changed into a symbolic link while being scanned; not read';
  // ENXIO: a socket (or a device without a driver) cannot be opened for reading at all.
  if (code === 'ENXIO') return 'changed into a socket or device while being scanned; not read';
  return undefined;
}

/** Why the opened file is not a regular file, or undefined when it is. */
export function notRegular(st: Stats): string | undefined {
  return st.isFile() ? undefined : `changed into ${kindOf(st)} while being scanned; not read`;
}

/**
 * Why the opened regular file is not the one the walk listed, or undefined when it is. `realPath`
 * is where the open file really is (undefined when that cannot be told).
 */
export function notTheWalkedFile(
  file: SeedFile,
  st: Stats,
  realPath: string | undefined,
): string | undefined {
  // The walk's own view can be fooled (a directory swapped for a link while it was being listed):
  // where the file really is settles it.
  if (file.root !== undefined && realPath !== undefined && !isInside(file.root, realPath)) {
    return 'is outside the seeds directory when opened (a directory on its path changed while being scanned); not read';
  }
  if (st.ino !== file.ino || (file.dev !== undefined && st.dev !== file.dev)) {
    // An editor that saves by renaming a new file into place does this too: hence the hint.
    return 'replaced by another file while being scanned; not read (the next scan reads it)';
  }
  return undefined;
}

/**
 * Linux names every open file in /proc/self/fd: the kernel's own path of what was opened, not
 * a second lookup that could be raced. Elsewhere the path is resolved again (a narrower check,
 * which the device and inode comparison backs up).
 */
const FD_PATHS = process.platform === 'linux';

export function realPathOfSync(fd: number, absPath: string): string | undefined {
  if (FD_PATHS) {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      // /proc not mounted (a bare chroot): fall through
    }
  }
  try {
    return realpathSync.native(absPath);
  } catch {
    return undefined; // gone since it was opened: what was opened is still the file the walk saw
  }
}

export async function realPathOf(fd: number, absPath: string): Promise<string | undefined> {
  if (FD_PATHS) {
    try {
      return await readlink(`/proc/self/fd/${fd}`);
    } catch {
      // as above
    }
  }
  try {
    return await realpath(absPath);
  } catch {
    return undefined;
  }
}
