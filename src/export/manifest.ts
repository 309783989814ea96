import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { notAnOwnedPath } from './owned-path.js';

/** Written next to the export: which files seedfeed owns there, and the render key of each. */
export const MANIFEST = '.seedfeed-manifest.json';

export interface Manifest {
  readonly version: 1;
  readonly files: Record<string, string>;
}

export interface LoadedManifest {
  readonly manifest: Manifest;
  /** Set when a manifest was there but cannot be trusted: why, naming the first bad entry. */
  readonly damaged?: string;
}

export const emptyManifest = (): Manifest => ({
  version: 1,
  files: Object.create(null) as Record<string, string>,
});

/**
 * Reads the manifest of `outDir` (a real path). A missing one is an empty one. A damaged one —
 * not JSON, not this shape, or any entry that is not a plain relative path inside the directory —
 * is not trusted at all: whoever could write one bad entry could as well have written plausible
 * ones naming files seedfeed never wrote (a CNAME), so none of it decides what is deleted.
 */
export async function readManifest(outDir: string): Promise<LoadedManifest> {
  let text: string;
  try {
    // Not through a link: the manifest is seedfeed's own file in this directory, or it is not one.
    text = await readFile(path.join(outDir, MANIFEST), {
      encoding: 'utf8',
      flag: constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { manifest: emptyManifest() };
    return {
      manifest: emptyManifest(),
      damaged:
        code === 'ELOOP'
          ? 'it is a symbolic link'
          : `it cannot be read: ${code ?? (error as Error).message}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { manifest: emptyManifest(), damaged: 'not valid JSON' };
  }
  const record = parsed as { version?: unknown; files?: unknown };
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    record.version !== 1
  ) {
    return { manifest: emptyManifest(), damaged: 'not a version 1 manifest' };
  }
  if (typeof record.files !== 'object' || record.files === null || Array.isArray(record.files)) {
    return { manifest: emptyManifest(), damaged: 'its "files" is not an object' };
  }
  const manifest = emptyManifest();
  for (const [file, key] of Object.entries(record.files)) {
    const why =
      notAnOwnedPath(file) ??
      (typeof key === 'string' ? undefined : 'its render key is not a string');
    if (why) return { manifest: emptyManifest(), damaged: `entry ${JSON.stringify(file)}: ${why}` };
    manifest.files[file] = key as string;
  }
  return { manifest };
}

/** The warning a damaged manifest earns, for the build's stderr and the server's log. */
export function damagedManifestWarning(outDir: string, why: string): string {
  return `${MANIFEST} in ${outDir} is damaged (${why}); it is ignored: every file is written again, and files of earlier exports that the site no longer has are left in place`;
}
