import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { JsonEntries, jsonPieces } from './json-pieces.js';
import {
  appendLog,
  newGeneration,
  readLog,
  rewriteSnapshot,
  shouldCompact,
  type LogOp,
  type LogPosition,
} from './journal.js';
import { ManifestFiles } from './manifest-files.js';
import { notAnOwnedPath } from './owned-path.js';

/**
 * Written next to the export: which files seedfeed owns there, and the render key of each. A
 * snapshot, plus the log of what each export since wrote and removed (journal.ts).
 */
export const MANIFEST = '.seedfeed-manifest.json';
export const MANIFEST_LOG = '.seedfeed-manifest.log';

export interface Manifest {
  readonly version: 1;
  readonly files: ManifestFiles;
  /** Where the log on disk stands; undefined: the next save rewrites the snapshot whole. */
  readonly log?: LogPosition;
}

export interface LoadedManifest {
  readonly manifest: Manifest;
  /** Set when a manifest was there but cannot be trusted: why, naming the first bad entry. */
  readonly damaged?: string;
  /** The log's last line was cut short (a crash while appending): the files are checked. */
  readonly torn?: boolean;
}

/** The table of the log's lines: `["f", file, key]` wrote a file, `["f", file]` removed one. */
const FILES = 'f';

export const emptyManifest = (): Manifest => ({
  version: 1,
  files: new ManifestFiles(),
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
  const record = parsed as { version?: unknown; files?: unknown; generation?: unknown };
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
  const files = emptyManifest().files;
  for (const [file, key] of Object.entries(record.files)) {
    const why = notOwnedEntry(file, key);
    if (why) return { manifest: emptyManifest(), damaged: `entry ${JSON.stringify(file)}: ${why}` };
    files.set(file, key as string);
  }
  const generation = typeof record.generation === 'string' ? record.generation : undefined;
  const log = await readLog(path.join(outDir, MANIFEST_LOG), generation);
  if (log.damaged) return { manifest: emptyManifest(), damaged: log.damaged };
  for (const [table, file, key] of log.ops) {
    const why = table === FILES ? notOwnedEntry(file, key ?? '') : 'not a file entry';
    if (why) return { manifest: emptyManifest(), damaged: `entry ${JSON.stringify(file)}: ${why}` };
    if (key === undefined) files.delete(file);
    else files.set(file, key as string);
  }
  const manifest: Manifest = log.position
    ? { version: 1, files, log: log.position }
    : { version: 1, files };
  return log.torn ? { manifest, torn: true } : { manifest };
}

function notOwnedEntry(file: string, key: unknown): string | undefined {
  return (
    notAnOwnedPath(file) ?? (typeof key === 'string' ? undefined : 'its render key is not a string')
  );
}

/**
 * Records what an export changed: `files` is what the directory now holds (`live` entries),
 * `ops` how it differs from `before`. Appended to the log while that stays under twice the live
 * entries; else, or when `before` has no log to go on from, the snapshot is written whole.
 */
export async function saveManifest(
  outDir: string,
  before: Manifest,
  files: ManifestFiles,
  ops: readonly LogOp[],
  live: number,
): Promise<Manifest> {
  const logFile = path.join(outDir, MANIFEST_LOG);
  if (!shouldCompact(before.log, ops.length, live)) {
    const log = await appendLog(logFile, before.log!, ops);
    if (log) return { version: 1, files, log };
  }
  const generation = newGeneration();
  const text = jsonPieces({ version: 1, generation, files: new JsonEntries(files) });
  const log = await rewriteSnapshot(path.join(outDir, MANIFEST), logFile, generation, text);
  return { version: 1, files, log };
}

/** The log lines of an export: files written with a new key, files removed. */
export function manifestOps(
  before: Manifest,
  written: Iterable<readonly [file: string, key: string]>,
  removed: readonly string[],
): LogOp[] {
  const ops: LogOp[] = [];
  for (const [file, key] of written)
    if (before.files.get(file) !== key) ops.push([FILES, file, key]);
  for (const file of removed) ops.push([FILES, file]);
  return ops;
}

/** The warning a damaged manifest earns, for the build's stderr and the server's log. */
export function damagedManifestWarning(outDir: string, why: string): string {
  return `${MANIFEST} in ${outDir} is damaged (${why}); it is ignored: every file is written again, and files of earlier exports that the site no longer has are left in place`;
}
