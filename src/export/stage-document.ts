import { renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { tempPathFor } from './atomic.js';
import { stampTemps, stampTempsSync } from './fresh-mtime.js';
import {
  articleSiblingsSync,
  compressedSiblings,
  obsoleteSiblings,
  type DocumentKind,
} from './precompressed.js';
import { ensureRealDirSync, makeStagedDirSync, type OutputDirs } from './real-dirs.js';
import { commitStaged, discardStaged, stageFile, type Staged } from './staging.js';

/**
 * One exported document and its precompressed siblings, staged together: written under
 * temporary names, given one fresh mtime (fresh-mtime.ts), then renamed into place siblings
 * first, right after the siblings it no longer has were removed. A reader may meet the old
 * document with the new siblings for the moment between two renames, never a sibling of
 * neither.
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
): Promise<StagedDocument> {
  const siblings = await compressedSiblings(file, body, kind);
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
 * below the output directory, its directories are checked for links through `madeDirs`. With
 * `inNewDir`, `file` lies in a directory this export staged (OutputDirs): it and its sibling are
 * written under their own names, as nothing is there and no reader sees them before the
 * directory is renamed into place. Otherwise each is written beside its name and renamed over it.
 */
export function writeArticleDocumentSync(
  file: string,
  body: Uint8Array,
  madeDirs: Set<string>,
  inNewDir = false,
): void {
  if (inNewDir) makeStagedDirSync(path.dirname(file), madeDirs);
  else ensureRealDirSync(path.dirname(file), madeDirs);
  const siblings = articleSiblingsSync(file, body);
  const writes = [...siblings, { file, data: body }].map((w) => ({
    ...w,
    temp: inNewDir ? w.file : tempPathFor(w.file),
  }));
  try {
    for (const w of writes) writeFileSync(w.temp, w.data, { flag: 'wx' });
    stampTempsSync(
      inNewDir ? undefined : file,
      writes.map((w) => w.temp),
    );
    if (inNewDir) return;
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

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
