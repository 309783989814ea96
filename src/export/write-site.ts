import { access, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { PageJob, PageSettings } from '../ingest/parse-worker.js';
import type { Site } from '../render/site.js';
import { fileForPath } from '../render/urls.js';
import { writeFileAtomic } from './atomic.js';
import { commitStaged, discardStaged, EXPORT_MARKER, ExportError, markExportStarted, removeLeftoverTemps, stageFile, type Staged } from './staging.js';

/** Written next to the export: which files seedfeed owns there, and the render key of each. */
export const MANIFEST = '.seedfeed-manifest.json';

export interface Manifest {
  readonly version: 1;
  readonly files: Record<string, string>;
}

export interface ExportStats {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
  /** What the directory now holds: pass it as `previous` next time to skip reading it back. */
  readonly manifest: Manifest;
}

async function readManifest(outDir: string): Promise<Manifest> {
  try {
    const parsed = JSON.parse(await readFile(path.join(outDir, MANIFEST), 'utf8')) as Manifest;
    return parsed.version === 1 && parsed.files ? parsed : { version: 1, files: {} };
  } catch {
    return { version: 1, files: {} };
  }
}

const PARALLEL_WRITES = 32;

/**
 * Writes the whole URL space to `outDir` (HTML routes as `index.html`), byte for byte what the
 * server sends. Each file is replaced atomically; files whose ETag did not change are not
 * rewritten; files this exporter wrote before that are no longer part of the site are removed.
 * Files seedfeed never wrote (a .gitkeep, a CNAME) are left alone.
 */
/** Something that renders and writes article pages itself: the parse workers, which hold their bodies. */
export interface PageWriter {
  holds(source: string): boolean;
  writePages(settings: PageSettings, outDir: string, pages: readonly PageJob[]): Promise<void>;
}

export interface WriteOptions {
  /** Check that unchanged files still exist (once per process: someone may have deleted them). */
  readonly verify?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  readonly pageWriter?: PageWriter;
  /** The manifest the last export returned (the file is then not read again). */
  readonly previous?: Manifest;
}

export async function writeSite(site: Site, outDir: string, options: WriteOptions = {}): Promise<ExportStats> {
  const { verify = true, onProgress, pageWriter } = options;
  // A crash between writing and renaming leaves temporaries behind: the first export of a process
  // clears them — the whole tree only if the last export never finished (its marker is still there).
  const marker = path.join(outDir, EXPORT_MARKER);
  if (verify) await removeLeftoverTemps(outDir, { recursive: await exists(marker) });
  const before = options.previous ?? (await readManifest(outDir));
  const files: Record<string, string> = {};
  const total = site.size;
  let done = 0;
  const progress = (n: number) => onProgress?.((done += n), total);

  // Index and OPML last: a reader who follows them finds every feed and page already there.
  const last = new Set(['/', '/opml.xml']);
  const ordered = [...site.paths()].filter((p) => !last.has(p)).concat(...last);

  // What changed is decided in memory first; only those paths cost any I/O (or rendering).
  let changed: string[] = [];
  const maybeUnchanged: string[] = [];
  for (const sitePath of ordered) {
    const file = fileForPath(sitePath);
    const key = site.keyOf(sitePath)!;
    files[file] = key;
    if (before.files[file] !== key) changed.push(sitePath);
    else maybeUnchanged.push(sitePath);
  }
  if (verify) {
    const missing: string[] = [];
    for (let i = 0; i < maybeUnchanged.length; i += PARALLEL_WRITES) {
      const batch = maybeUnchanged.slice(i, i + PARALLEL_WRITES);
      const present = await Promise.all(batch.map((p) => exists(path.join(outDir, fileForPath(p)))));
      batch.forEach((p, k) => present[k] || missing.push(p));
    }
    const rewrite = new Set([...changed, ...missing]);
    changed = ordered.filter((p) => rewrite.has(p));
  }
  const unchanged = ordered.length - changed.length;
  progress(unchanged);

  const remote: PageJob[] = [];
  const local: string[] = [];
  for (const sitePath of changed) {
    const article = site.article(sitePath);
    if (article && pageWriter?.holds(article.bodySource)) remote.push({ file: fileForPath(sitePath), article });
    else local.push(sitePath);
  }
  // Everything is written under temporary names first and renamed into place only once all of it
  // is on disk: a full disk or a refused write leaves the previous feeds and pages as they were.
  const staged: Staged[] = [];
  try {
    if (changed.length) await markExportStarted(marker);
    for (let i = 0; i < local.length; i += PARALLEL_WRITES) {
      const batch = local.slice(i, i + PARALLEL_WRITES);
      // Rendered only now, when it must be written: article pages are not kept in memory.
      const results = await Promise.allSettled(batch.map(async (p) => stageFile(path.join(outDir, fileForPath(p)), (await site.load(p))!.body)));
      for (const r of results) if (r.status === 'fulfilled') staged.push(r.value);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      progress(batch.length);
    }
    // The workers render these from the bodies they hold: byte for byte what load() would give.
    // They replace each page atomically at once (pages of new or changed articles only).
    for (let i = 0; i < remote.length && pageWriter; i += 4096) {
      const batch = remote.slice(i, i + 4096);
      await pageWriter.writePages(site.pageSettings(), outDir, batch);
      progress(batch.length);
    }
  } catch (error) {
    await discardStaged(staged);
    await rm(marker, { force: true }).catch(() => undefined); // cleaned up: nothing for the next start to repair
    throw new ExportError(outDir, error);
  }
  const lastStaged = staged.filter((s) => last.has(sitePathOf(s.file, outDir)));
  const firstStaged = staged.filter((s) => !lastStaged.includes(s));
  for (let i = 0; i < firstStaged.length; i += PARALLEL_WRITES) await Promise.all(firstStaged.slice(i, i + PARALLEL_WRITES).map(commitStaged));
  for (const s of lastStaged) await commitStaged(s);

  let removed = 0;
  for (const file of Object.keys(before.files)) {
    if (files[file] !== undefined) continue;
    await rm(path.join(outDir, file), { force: true });
    await removeEmptyParents(path.dirname(path.join(outDir, file)), outDir);
    removed++;
  }
  const manifest: Manifest = { version: 1, files };
  if (changed.length || removed || !options.previous) {
    await writeFileAtomic(path.join(outDir, MANIFEST), `${JSON.stringify(manifest)}\n`);
  }
  await rm(marker, { force: true });
  return { written: changed.length, unchanged, removed, manifest };
}

/** `/opml.xml` of `<outDir>/opml.xml`, `/` of `<outDir>/index.html` (only these two are asked for). */
function sitePathOf(file: string, outDir: string): string {
  const rel = path.relative(outDir, file).split(path.sep).join('/');
  return rel === 'index.html' ? '/' : `/${rel}`;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function removeEmptyParents(dir: string, stopAt: string): Promise<void> {
  const root = path.resolve(stopAt);
  for (let current = path.resolve(dir); current !== root && current.startsWith(root); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone)
    }
  }
}
