import path from 'node:path';
import { placePages, type PageJob, type PageSettings } from './article-pages.js';
import type { OutputDirs } from './real-dirs.js';
import { ArchiveItems, archiveRingBytes } from '../render/archive-items.js';
import type { Site } from '../render/site.js';
import { fileForPath } from '../render/urls.js';
import { discardDocuments, stageDocument, type StagedDocument } from './stage-document.js';

/** Documents staged or committed at once. */
export const PARALLEL_WRITES = 32;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Something that renders and writes article pages itself: the parse workers, which hold their bodies. */
export interface PageWriter {
  holds(source: string): boolean;
  writePages(settings: PageSettings, outDir: string, pages: readonly PageJob[]): Promise<void>;
  /** The pages sorted the way they are best written (the workers: in the order their bodies were stored). */
  inWritingOrder?(pages: PageJob[]): PageJob[];
}

export interface StageOptions {
  /** The export directory's real path. */
  readonly out: string;
  readonly dirs: OutputDirs;
  readonly pageWriter?: PageWriter;
  readonly precompress: boolean;
  readonly progress: (documents: number) => void;
  /**
   * Called once the page writer has written every page it gets here and no page rendered here
   * may need it (see WriteOptions).
   */
  readonly afterPages?: () => Promise<void>;
}

export interface StagedExport {
  /** Written under temporary names (or in staged directories), to be committed in order. */
  readonly documents: readonly StagedDocument[];
  /** The Cache-Control max-age of each document this thread rendered, for the deploy files. */
  readonly maxAges: ReadonlyMap<string, number | undefined>;
}

/**
 * Writes the `changed` paths of the site under temporary names, nothing yet where readers look:
 * a full disk or a refused write leaves the previous feeds and pages as they were. Article pages
 * whose bodies the page writer holds are written by it, in staged directories while this thread
 * renders and stages the rest (a cold build's two phases overlap), and over existing pages only
 * once all else is staged. If anything fails, what was staged here is removed and the error thrown.
 */
export async function stageChanged(
  site: Site,
  changed: readonly string[],
  options: StageOptions,
): Promise<StagedExport> {
  const { out, dirs, pageWriter, progress } = options;
  const remote: PageJob[] = [];
  let local: string[] = [];
  for (const sitePath of changed) {
    const article = site.article(sitePath);
    if (article && pageWriter?.holds(article.bodySource))
      remote.push({ file: fileForPath(sitePath), article });
    else local.push(sitePath);
  }
  local = site.inRenderingOrder(local);
  // Each archived article's items are made once for all the archive pages it is on.
  const archiveItems = new ArchiveItems(archiveRingBytes(local.length));
  const documents: StagedDocument[] = [];
  const maxAges = new Map<string, number | undefined>();
  const settings = site.pageSettings();
  const afterPages = async () => options.afterPages?.();
  const writePages = async (pages: readonly PageJob[]) => {
    // The workers render these from the bodies they hold: byte for byte what load() would give.
    for (let i = 0; i < pages.length && pageWriter; i += 4096) {
      const batch = pages.slice(i, i + 4096);
      await pageWriter.writePages(settings, out, batch);
      progress(batch.length);
    }
  };
  const stageLocal = async () => {
    for (let i = 0; i < local.length; i += PARALLEL_WRITES) {
      const batch = local.slice(i, i + PARALLEL_WRITES);
      // Rendered only now, when it must be written: article pages are not kept in memory. One
      // document at a time, with a turn of the event loop before each: serve is answering
      // readers of the Site this export writes, and a dozen 450 KB feeds rendered back to back
      // held their requests for ~100 ms. The writes still go on together.
      const staging: Promise<StagedDocument>[] = [];
      for (const p of batch) {
        await nextTurn();
        const staged = (async () => {
          const resource = (await site.load(p, false, archiveItems))!;
          maxAges.set(p, resource.maxAge);
          const kind = site.article(p) ? 'article' : 'other';
          const body = resource.body;
          const served = resource.startedVariant('gzip', body)?.then((v) => v.body);
          const file = path.join(out, fileForPath(p));
          return stageDocument(file, body, kind, dirs, options.precompress, served);
        })();
        // Handled below (allSettled); marked now, as the loop's next turn comes first.
        staged.catch(() => undefined);
        staging.push(staged);
      }
      const results = await Promise.allSettled(staging);
      for (const r of results) if (r.status === 'fulfilled') documents.push(r.value);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      progress(batch.length);
    }
  };
  try {
    const pages = await placePages(dirs, out, pageWriter?.inWritingOrder?.(remote) ?? remote);
    // An article page rendered here may need its file parsed again, by the workers: they are let
    // go early only when this thread renders none (a cold build's export).
    const early = pages.seen.length === 0 && !local.some((p) => site.article(p));
    // Both settled before any cleanup: the pages' writes may still be going on otherwise.
    const settled = await Promise.allSettled([
      writePages(pages.unseen).then(() => (early ? afterPages() : undefined)),
      stageLocal(),
    ]);
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    // Those replaced where readers look only once all else is staged: a failure leaves them be.
    await writePages(pages.seen);
    if (!early) await afterPages();
  } catch (error) {
    await discardDocuments(documents);
    throw error;
  }
  return { documents, maxAges };
}
