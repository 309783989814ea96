import { access, lstat, mkdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Site } from '../render/site.js';
import { fileForPath } from '../render/urls.js';
import {
  damagedManifestWarning,
  emptyManifest,
  MANIFEST,
  manifestOps,
  readManifest,
  saveManifest,
  type Manifest,
} from './manifest.js';
import { linkOnTheWay, OutputDirs } from './real-dirs.js';
import { removeStale } from './removal.js';
import {
  deployUnchanged,
  writeDeployFiles,
  type DeployMemo,
  type DeployOptions,
} from './deploy-files.js';
import { LAST, planFromChange, planWhole } from './export-plan.js';
import { siblingEntries } from './precompressed.js';
import {
  PARALLEL_WRITES,
  stageChanged,
  type PageWriter,
  type StagedExport,
} from './stage-changed.js';
import { commitDocument } from './stage-document.js';
import { EXPORT_MARKER, ExportError, markExportStarted, removeLeftoverTemps } from './staging.js';

export { MANIFEST, type DeployMemo, type DeployOptions, type Manifest };

export interface ExportStats {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
  /** What the directory now holds: pass it as `previous` next time to skip reading it back. */
  readonly manifest: Manifest;
  /** What the deploy files were made from: pass it as `deployMemo` next time. */
  readonly deployMemo?: DeployMemo;
  /** Things the operator should hear of that did not stop the export (a damaged manifest). */
  readonly warnings: readonly string[];
}

export type { PageWriter };

export interface WriteOptions {
  /** Check that unchanged files still exist (once per process: someone may have deleted them). */
  readonly verify?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  readonly pageWriter?: PageWriter;
  /** The manifest the last export returned (the file is then not read again). */
  readonly previous?: Manifest;
  /** For the nginx and static-host files (deploy-files.ts); the default cron's 60 s without. */
  readonly deploy?: DeployOptions;
  /** What the last export of this process made them from (ExportStats.deployMemo). */
  readonly deployMemo?: DeployMemo;
  /** Write .gz and .br siblings of feeds, lists and archive pages (precompressed.ts). */
  readonly precompress?: boolean;
  /**
   * Called once the page writer has written every page it gets in this export, while the rest
   * may still be rendered: what it holds for them can go now rather than after the export. Not
   * before the article pages this thread renders, whose files it may have to parse again.
   */
  readonly afterPages?: () => Promise<void>;
}

/**
 * Writes the whole URL space to `outDir` (HTML routes as `index.html`), byte for byte what the
 * server sends. Each file is replaced atomically; files whose ETag did not change are not
 * rewritten; files this exporter wrote before that are no longer part of the site are removed.
 * Files seedfeed never wrote (a .gitkeep, a CNAME) are left alone.
 */
export async function writeSite(
  site: Site,
  outDir: string,
  options: WriteOptions = {},
): Promise<ExportStats> {
  const { onProgress, pageWriter } = options;
  const precompress = options.precompress ?? false;
  let verify = options.verify ?? true;
  // --out is the operator's choice, a link perhaps: followed once, here. Everything below is then
  // addressed by its real path, and a link met below it is never written or deleted through.
  let out: string;
  try {
    await mkdir(outDir, { recursive: true });
    out = await realpath(outDir);
  } catch (error) {
    throw new ExportError(outDir, error);
  }
  const warnings: string[] = [];
  // A crash between writing and renaming leaves temporaries behind: the first export of a process
  // clears them — the whole tree only if the last export never finished (its marker is still there).
  const marker = path.join(out, EXPORT_MARKER);
  if (verify) await removeLeftoverTemps(out, { recursive: await exists(marker) });
  let before: Manifest;
  if (options.previous) before = options.previous;
  else {
    const loaded = await readManifest(out);
    if (loaded.damaged) warnings.push(damagedManifestWarning(outDir, loaded.damaged));
    // A torn log line may have been a file written: in doubt, look at what is there.
    if (loaded.torn) verify = true;
    before = loaded.manifest;
  }
  let done = 0;
  const progress = (n: number) => onProgress?.((done += n), site.size);

  // What changed is decided in memory first; only those paths cost any I/O (or rendering).
  // After one export in this process the Site's own change names the paths to look at; the
  // first, or after a damaged manifest, looks at every path.
  let plan =
    !verify && options.previous && site.change
      ? planFromChange(site, site.change, before, precompress)
      : await planWhole(site, before, precompress);
  let { changed, maybeUnchanged, stale } = plan;

  // What the manifest would have removed is checked before anything is written: an entry on the
  // way through a link inside --out makes it damaged (manifest.ts says why none of it is trusted then).
  for (const file of stale) {
    const link = await linkOnTheWay(out, file);
    if (link === undefined) continue;
    warnings.push(
      damagedManifestWarning(
        outDir,
        `entry ${JSON.stringify(file)}: its way passes through a symbolic link, ${link}`,
      ),
    );
    before = emptyManifest();
    plan = await planWhole(site, before, precompress);
    ({ changed, maybeUnchanged, stale } = plan);
    break;
  }
  const { files, total } = plan;

  if (verify) {
    const missing: string[] = [];
    for (let i = 0; i < maybeUnchanged.length; i += PARALLEL_WRITES) {
      const batch = maybeUnchanged.slice(i, i + PARALLEL_WRITES);
      // A link where the file should be counts as missing: the rewrite replaces the link itself.
      const present = await Promise.all(
        batch.map((p) => isRegularFile(path.join(out, fileForPath(p)))),
      );
      batch.forEach((p, k) => present[k] || missing.push(p));
    }
    changed = changed.concat(missing);
  }
  const unchanged = total - changed.length;
  progress(unchanged);

  // Everything is written under temporary names first and renamed into place only once all of it
  // is on disk (stageChanged).
  const dirs = new OutputDirs(out);
  let staged: StagedExport;
  try {
    if (changed.length) await markExportStarted(marker);
    staged = await stageChanged(site, changed, {
      out,
      dirs,
      pageWriter,
      precompress,
      progress,
      afterPages: options.afterPages,
    });
  } catch (error) {
    await dirs.discard();
    await rm(marker, { force: true }).catch(() => undefined); // cleaned up: nothing for the next start to repair
    throw new ExportError(outDir, error);
  }
  const lastStaged = staged.documents.filter((s) => LAST.has(sitePathOf(s.file, out)));
  const firstStaged = staged.documents.filter((s) => !lastStaged.includes(s));
  for (let i = 0; i < firstStaged.length; i += PARALLEL_WRITES)
    await Promise.all(firstStaged.slice(i, i + PARALLEL_WRITES).map(commitDocument));
  await dirs.commit(); // the new directories, with all they hold, before index and OPML
  for (const s of lastStaged) await commitDocument(s);

  await removeStale(out, siblingEntries(stale));
  const removed = await removeStale(out, stale);
  const deploy = options.deploy ?? { maxAge: 60 };
  let deployMemo = verify ? undefined : options.deployMemo;
  // The deploy files list every document path: made again only when a change could alter them.
  if (
    (changed.length || stale.length || verify) &&
    !deployUnchanged(deployMemo, site, deploy, staged.maxAges)
  )
    deployMemo = await writeDeployFiles(site, out, dirs, deploy, staged.maxAges);
  // The manifest learns only what changed: a few lines appended, not the whole list again.
  const ops = manifestOps(
    before,
    changed.map((p) => [fileForPath(p), files.get(fileForPath(p))] as const),
    stale,
  );
  const all = files.apply(stale);
  const manifest =
    ops.length || !before.log
      ? await saveManifest(out, before, all, ops, total)
      : { ...before, files: all };
  await rm(marker, { force: true });
  return { written: changed.length, unchanged, removed, manifest, warnings, deployMemo };
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

async function isRegularFile(file: string): Promise<boolean> {
  return (await lstat(file).catch(() => undefined))?.isFile() === true;
}
