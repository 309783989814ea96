import type { ScannedFile, FileResult } from '../scan/scanner.js';
import type { SeedFile } from '../model.js';

/** One path whose result differs between two scans: came (no `before`), went (no `after`), or changed. */
export interface FileChange {
  readonly path: string;
  readonly file?: SeedFile;
  readonly before?: FileResult;
  readonly after?: FileResult;
  /** When the file's bytes first appeared (ScannedFile.modified). */
  readonly modified?: number;
}

/**
 * The paths whose result differs, in walk order. Both lists are in walk order (sorted by path);
 * the scanner hands an unchanged file's result on as the same object, so most files cost one
 * comparison of references.
 */
export function diffFiles(
  before: readonly ScannedFile[],
  after: readonly ScannedFile[],
): FileChange[] {
  const changes: FileChange[] = [];
  // One change among many files: most of both lists is the same results at the same places.
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && same(after[start]!, before[start]!)) start++;
  let end = 0;
  while (
    end < shorter - start &&
    same(after[after.length - 1 - end]!, before[before.length - 1 - end]!)
  )
    end++;
  let i = start;
  let j = start;
  while (i < after.length - end || j < before.length - end) {
    const now = i < after.length - end ? after[i] : undefined;
    const then = j < before.length - end ? before[j] : undefined;
    if (now && then && same(now, then)) {
      i++;
      j++;
    } else if (now && then && now.file.path === then.file.path) {
      changes.push({
        path: now.file.path,
        file: now.file,
        before: then.result,
        after: now.result,
        modified: now.modified,
      });
      i++;
      j++;
    } else if (then && (!now || then.file.path < now.file.path)) {
      changes.push({ path: then.file.path, before: then.result });
      j++;
    } else {
      changes.push({
        path: now!.file.path,
        file: now!.file,
        after: now!.result,
        modified: now!.modified,
      });
      i++;
    }
  }
  return changes;
}

const same = (a: ScannedFile, b: ScannedFile) => a === b || a.result === b.result;
