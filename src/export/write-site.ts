import { access, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { PageJob, PageSettings } from '../ingest/parse-worker.js';
import type { Site } from '../render/site.js';
import { fileForPath } from '../render/urls.js';
import { writeFileAtomic } from './atomic.js';

/** Written next to the export: which files seedfeed owns there, and the render key of each. */
export const MANIFEST = '.seedfeed-manifest.json';

interface Manifest {
  readonly version: 1;
  readonly files: Record<string, string>;
}

export interface ExportStats {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
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
}

export async function writeSite(site: Site, outDir: string, options: WriteOptions = {}): Promise<ExportStats> {
  const { verify = true, onProgress, pageWriter } = options;
  const remote: PageJob[] = [];
  const before = await readManifest(outDir);
  const files: Record<string, string> = {};
  let written = 0;
  let unchanged = 0;
  const total = site.size;
  let done = 0;

  // Index and OPML last: a reader who follows them finds every feed and page already there.
  const all = [...site.paths()];
  const last = new Set(['/', '/opml.xml']);
  const ordered = [...all.filter((p) => !last.has(p)), ...all.filter((p) => last.has(p))];

  for (let i = 0; i < ordered.length; i += PARALLEL_WRITES) {
    await Promise.all(
      ordered.slice(i, i + PARALLEL_WRITES).map(async (sitePath) => {
        const file = fileForPath(sitePath);
        const key = site.keyOf(sitePath)!;
        files[file] = key;
        const target = path.join(outDir, file);
        if (before.files[file] === key && (!verify || (await exists(target)))) {
          unchanged++;
        } else {
          const article = site.article(sitePath);
          if (article && pageWriter?.holds(article.bodySource)) {
            remote.push({ file, article });
            return;
          }
          // Rendered only now, when it must be written: article pages are not kept in memory.
          await writeFileAtomic(target, (await site.load(sitePath))!.body);
          written++;
        }
        onProgress?.(++done, total);
      }),
    );
  }

  if (remote.length && pageWriter) {
    // Byte for byte the page load() would render: the same function over the same article and body.
    for (let i = 0; i < remote.length; i += 4096) {
      const batch = remote.slice(i, i + 4096);
      await pageWriter.writePages(site.pageSettings(), outDir, batch);
      written += batch.length;
      done += batch.length;
      onProgress?.(done, total);
    }
  }

  let removed = 0;
  for (const file of Object.keys(before.files)) {
    if (files[file] !== undefined) continue;
    await rm(path.join(outDir, file), { force: true });
    await removeEmptyParents(path.dirname(path.join(outDir, file)), outDir);
    removed++;
  }
  await writeFileAtomic(path.join(outDir, MANIFEST), `${JSON.stringify({ version: 1, files } satisfies Manifest)}\n`);
  return { written, unchanged, removed };
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
