import { access, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { PageJob, PageSettings } from '../ingest/parse-worker.js';
import type { Site } from '../render/site.js';
import { fileForPath } from '../render/urls.js';
import { writeFileAtomic } from './atomic.js';

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
  for (let i = 0; i < local.length; i += PARALLEL_WRITES) {
    const batch = local.slice(i, i + PARALLEL_WRITES);
    // Rendered only now, when it must be written: article pages are not kept in memory.
    await Promise.all(batch.map(async (p) => writeFileAtomic(path.join(outDir, fileForPath(p)), (await site.load(p))!.body)));
    progress(batch.length);
  }
  // The workers render these from the bodies they hold: byte for byte what load() would give.
  for (let i = 0; i < remote.length && pageWriter; i += 4096) {
    const batch = remote.slice(i, i + 4096);
    await pageWriter.writePages(site.pageSettings(), outDir, batch);
    progress(batch.length);
  }

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
  return { written: changed.length, unchanged, removed, manifest };
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
