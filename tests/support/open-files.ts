import { readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * The descriptors this process (any of its threads) holds open on files that were in `dir`,
 * deleted ones too, as `/proc/self/fd/N` paths (stat() on one reaches the file). Linux only.
 */
export function openFilesIn(dir: string): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => `/proc/self/fd/${fd}`)
    .filter((link) => {
      try {
        return readlinkSync(link).startsWith(`${dir}${path.sep}`);
      } catch {
        return false; // closed since it was listed (readdir's own descriptor)
      }
    });
}
