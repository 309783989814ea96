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
  articleSiblingsSync,
  compressedSiblings,
  obsoleteSiblings,
  type DocumentKind,
  type Sibling,
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
  startedGzip?: Promise<Uint8Array>,
): Promise<StagedDocument> {
  const siblings = await compressedSiblings(file, body, kind, startedGzip);
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
 * below the output directory, its directories are checked for links through `madeDirs`. Written
 * under their own names where no reader can see them yet, the page and its sibling:
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
  const siblings = articleSiblingsSync(file, body);
  const docs = [...siblings, { file, data: body }];
  if (inNewDir) {
    makeStagedDirSync(dir, madeDirs);
    writeNewFilesSync(docs);
  } else if (realDirExistsSync(dir, madeDirs) || !writeNewDirSync(dir, docs)) {
    ensureRealDirSync(dir, madeDirs);
    replaceFilesSync(file, siblings, docs);
  }
}

/** Files nothing is at yet, each created exclusively, with one fresh mtime. */
function writeNewFilesSync(docs: readonly Sibling[]): void {
  const t = freshMtimeSync(undefined);
  const written: string[] = [];
  try {
    for (const d of docs) {
      const fd = openSync(d.file, 'wx');
      written.push(d.file);
      writeDatedSync(fd, d.data, t);
    }
  } catch (error) {
    for (const f of written) rmSync(f, { force: true });
    throw error;
  }
}

/** The files of a new `dir`, made under a temporary name and renamed into place; false if `dir` appeared meanwhile. */
function writeNewDirSync(dir: string, docs: readonly Sibling[]): boolean {
  const temp = tempPathFor(dir);
  mkdirSync(temp); // beside `dir`, in a parent just checked: a real directory
  try {
    writeNewFilesSync(docs.map((d) => ({ ...d, file: path.join(temp, path.basename(d.file)) })));
    renameSync(temp, dir);
    return true;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
    throw error;
  }
}

function replaceFilesSync(file: string, siblings: readonly Sibling[], docs: readonly Sibling[]) {
  const writes = docs.map((d) => ({ ...d, temp: tempPathFor(d.file) }));
  const t = freshMtimeSync(file);
  try {
    for (const w of writes) writeDatedSync(openSync(w.temp, 'wx'), w.data, t);
    for (const f of obsoleteSiblings(file, siblings, 'article')) {
      try {
        unlinkSync(f);
      } catch (error) {
        ignoreMissing(error);
      }
    }
    for (const w of writes) renameSync(w.temp, w.file);
  } catch (error) {
    for (const w of writes) rmSync(w.temp, { force: true });
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
