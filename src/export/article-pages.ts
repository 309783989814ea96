import path from 'node:path';
import type { Article } from '../model.js';
import { pageContextOf, type PageSettings } from '../render/page-settings.js';
import type { PageContext } from '../render/pages.js';
import { renderArticlePage } from '../render/pages.js';
import { isTempName } from './atomic.js';
import type { OutputDirs } from './real-dirs.js';
import { writeArticleDocumentSync } from './stage-document.js';

export type { PageSettings };

/** An article page to write: its file under the output directory, and its article. */
export interface PageJob {
  readonly file: string;
  readonly article: Article;
}

/**
 * Renders each page from its article's body and replaces its file and its gzip sibling
 * (stage-document.ts) atomically, or writes them in a staged directory (placePages); returns how many it
 * wrote. Synchronous: it runs in a parse worker, next to the bodies, on a thread with nothing else
 * to do (write-site.ts writes every other file, asynchronously, on the serving thread).
 */
export function writeArticlePages(
  settings: PageSettings,
  outDir: string,
  pages: readonly PageJob[],
  bodyOf: (source: string) => Uint8Array | undefined,
): number {
  const ctx = pageContextOf(settings);
  const madeDirs = new Set<string>();
  for (const { file, article } of pages) {
    const body = bodyOf(article.bodySource);
    if (body === undefined) throw new Error(`no body held for ${article.bodySource}`);
    const page = pageBytes(ctx, article, body);
    writeArticleDocumentSync(path.join(outDir, file), page, madeDirs, inStagedDir(file));
  }
  return pages.length;
}

/** Article pages to write, by when they may be: see placePages. */
export interface PlacedPages {
  /** In a directory this export staged: seen by nobody before it commits, written any time. */
  readonly unseen: PageJob[];
  /** At once where readers look (replaced, or in a new directory renamed into place at once). */
  readonly seen: PageJob[];
}

/**
 * The pages with each file moved into its directory's staged place, where that directory's
 * parent is new to this export (OutputDirs: `articles/` on a cold export): the page's own
 * directory is then new too, and the worker writes the page there under its own name. The pages
 * share a few parents, each asked for once; a page is placed by one string per page (a promise
 * and five paths per page were ~300 MB of garbage at 100,000 pages, alive until all settled).
 */
export async function placePages(
  dirs: OutputDirs,
  outDir: string,
  pages: readonly PageJob[],
): Promise<PlacedPages> {
  // A page's parent directory, relative ('articles' of 'articles/<id>/index.html') → where its
  // pages' directories go, relative too: the same string when it is not staged.
  const placeOf = new Map<string, string>();
  for (const { file } of pages) placeOf.set(parentOf(file), '');
  await Promise.all(
    [...placeOf.keys()].map(async (rel) => {
      // As a page's own path gives it (dirname twice): normalized, no trailing separator.
      const parent = path.dirname(path.dirname(path.join(outDir, rel, 'd', 'f')));
      const at = await dirs.ensure(parent);
      placeOf.set(rel, at === parent ? rel : path.relative(outDir, at).split(path.sep).join('/'));
    }),
  );
  const unseen: PageJob[] = [];
  const seen: PageJob[] = [];
  for (const page of pages) {
    const rel = parentOf(page.file);
    const at = placeOf.get(rel)!;
    // Staged: its own `<dir>/<file>` under its parent's place.
    const placed =
      at === rel
        ? page
        : { ...page, file: `${at}/${rel ? page.file.slice(rel.length + 1) : page.file}` };
    (inStagedDir(placed.file) ? unseen : seen).push(placed);
  }
  return { unseen, seen };
}

/** `a/b` of `a/b/<dir>/<file>`, '' for a file one directory deep or less. */
function parentOf(file: string): string {
  const last = file.lastIndexOf('/');
  const dir = last < 0 ? -1 : file.lastIndexOf('/', last - 1);
  return dir < 0 ? '' : file.slice(0, dir);
}

/** A relative path through a staged directory (one with a temporary name: atomic.ts). */
function inStagedDir(rel: string): boolean {
  return rel.split('/').some(isTempName);
}

/**
 * The page's UTF-8 bytes with the body's own bytes spliced in: the body, most of the page, is
 * neither decoded nor encoded again. The page is rendered around a marker; the last one is the
 * body's place (only the page's fixed ending follows it, while a title could hold the marker).
 * The bytes are put in one buffer kept for the next page (valid until then: the caller writes
 * them at once), not in three new ones joined in a fourth: the garbage of 100,000 pages.
 */
const BODY_MARK = '\u0000';
let scratch = Buffer.alloc(0);

function pageBytes(ctx: PageContext, article: Article, body: Uint8Array): Uint8Array {
  const page = renderArticlePage(ctx, article, BODY_MARK);
  const at = page.lastIndexOf(BODY_MARK);
  // At most 3 bytes per UTF-16 unit (a pair's 4 bytes are two units).
  const most = 3 * page.length + body.length;
  if (most > KEPT_BYTES) return spliced(Buffer.allocUnsafe(most), page, at, body); // not kept
  if (scratch.length < most) scratch = Buffer.allocUnsafe(Math.min(KEPT_BYTES, 2 * most));
  return spliced(scratch, page, at, body);
}

/** The largest buffer kept between pages; a larger page (a 5 MB body) gets one of its own. */
const KEPT_BYTES = 1 << 20;

function spliced(into: Buffer, page: string, at: number, body: Uint8Array): Uint8Array {
  let n = into.write(page.slice(0, at), 0);
  into.set(body, n);
  n += body.length;
  n += into.write(page.slice(at + BODY_MARK.length), n);
  return into.subarray(0, n);
}
