import {
  closeSync,
  futimesSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { tempPathFor } from './atomic.js';
import { freshMtimeSync, stampTemps } from './fresh-mtime.js';
import {
  compressedSiblings,
  hasSiblings,
  obsoleteSiblings,
  type DocumentKind,
} from './precompressed.js';
import {
  ensureRealDirSync,
  makeStagedDirSync,
  realDirExistsSync,
  type OutputDirs,
} from './real-dirs.js';
import { commitStaged, discardStaged, stageFile, type Staged } from './staging.js';

/**
 * One exported document and its precompressed siblings, staged together: written under
 * temporary names, given one fresh mtime (fresh-mtime.ts), then renamed into place siblings
 * first, right after the siblings it no longer has were removed. A reader may meet the old
 * document with the new siblings for the moment between two renames, never a sibling of
 * neither. In a directory new to the export they are written under their own names instead,
 * and appear together when the directory is renamed into place (staging.ts).
 */
export interface StagedDocument {
  readonly file: string;
  /** Siblings first, the document last. */
  readonly staged: readonly Staged[];
  readonly obsolete: readonly string[];
}

export async function stageDocument(
  file: string,
  body: Uint8Array,
  kind: DocumentKind,
  dirs: OutputDirs,
  precompress: boolean,
  startedGzip?: Promise<Uint8Array>,
): Promise<StagedDocument> {
  const siblings = hasSiblings(kind, precompress)
    ? await compressedSiblings(file, body, startedGzip)
    : [];
  const staged: Staged[] = [];
  try {
    for (const s of siblings) staged.push(await stageFile(s.file, s.data, dirs));
    staged.push(await stageFile(file, body, dirs));
    const inNewDir = staged[staged.length - 1]!.inNewDir;
    await stampTemps(
      inNewDir ? undefined : file,
      staged.map((s) => s.temp),
    );
    // In a new directory there is no older sibling to remove.
    const obsolete = inNewDir ? [] : obsoleteSiblings(file, siblings, kind);
    return { file, staged, obsolete };
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
}

export async function commitDocument(doc: StagedDocument): Promise<void> {
  await Promise.all(doc.obsolete.map((f) => unlink(f).catch(ignoreMissing)));
  for (const s of doc.staged) await commitStaged(s);
}

export function discardDocuments(docs: readonly StagedDocument[]): Promise<void> {
  return discardStaged(docs.flatMap((d) => d.staged));
}

/**
 * The synchronous twin for article pages written by the parse workers: `file` is a real path
 * below the output directory, its directories are checked for links through `madeDirs`. A page
 * has no sibling (precompressed.ts); it is written under its own name where no reader can see it yet:
 * - with `inNewDir`, in a directory this export staged (OutputDirs: `articles/` on a cold export);
 * - when the page's directory is new, in a directory made beside it under a temporary name,
 *   renamed into place at once.
 * Otherwise each is written beside its name and renamed over it.
 */
export function writeArticleDocumentSync(
  file: string,
  body: Uint8Array,
  madeDirs: Set<string>,
  inNewDir = false,
): void {
  const dir = path.dirname(file);
  if (inNewDir) {
    makeStagedDirSync(dir, madeDirs);
    writeNewFileSync(file, body);
  } else if (realDirExistsSync(dir, madeDirs) || !writeNewDirSync(dir, file, body)) {
    ensureRealDirSync(dir, madeDirs);
    replaceFileSync(file, body);
  }
}

/** A file nothing is at yet, created exclusively, with a fresh mtime. */
function writeNewFileSync(file: string, data: Uint8Array): void {
  const fd = openSync(file, 'wx');
  try {
    writeDatedSync(fd, data, freshMtimeSync(undefined));
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
}

/** `file` of a new `dir`, made under a temporary name and renamed into place; false if `dir` appeared meanwhile. */
function writeNewDirSync(dir: string, file: string, data: Uint8Array): boolean {
  const temp = tempPathFor(dir);
  mkdirSync(temp); // beside `dir`, in a parent just checked: a real directory
  try {
    writeNewFileSync(path.join(temp, path.basename(file)), data);
    renameSync(temp, dir);
    return true;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** `file` written beside its name and renamed over it; the .gz an older export gave it removed. */
function replaceFileSync(file: string, data: Uint8Array): void {
  const temp = tempPathFor(file);
  try {
    writeDatedSync(openSync(temp, 'wx'), data, freshMtimeSync(file));
    for (const f of obsoleteSiblings(file, [], 'article')) {
      try {
        unlinkSync(f);
      } catch (error) {
        ignoreMissing(error);
      }
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes all of `data` to the new file `fd` (opened wx: a fresh file or an error, never through a
 * link left at its name), dates it `t` through the descriptor and closes it.
 */
function writeDatedSync(fd: number, data: Uint8Array, t: number): void {
  try {
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
    futimesSync(fd, t, t);
  } finally {
    closeSync(fd);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
