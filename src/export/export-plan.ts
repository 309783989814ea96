import type { Site } from '../render/site.js';
import type { SiteChange } from '../render/site-change.js';
import { fileForPath } from '../render/urls.js';
import type { Manifest } from './manifest.js';
import { ManifestFiles } from './manifest-files.js';
import { exportKey, hasSiblings } from './precompressed.js';
import { Slices } from '../slices.js';

/** Index and OPML last: a reader who follows them finds every feed and page already there. */
export const LAST = new Set(['/', '/opml.xml']);

/** Which paths to write (keys differ), which may be as they were (equal keys), which files go. */
export interface ExportPlan {
  changed: string[];
  maybeUnchanged: string[];
  stale: string[];
  /** File → key of every file the site has once written. */
  readonly files: PlannedFiles;
  /** How many files the site has. */
  readonly total: number;
}

/** The manifest's files with the keys of this export: a new table, or the old one updated. */
interface PlannedFiles {
  get(file: string): string;
  /** The table once the export is done, `stale` files out of it. */
  apply(stale: readonly string[]): ManifestFiles;
}

/**
 * Every path of the site, against the manifest: what the first export of a process does. It
 * works out every article's fingerprint (3 s at 100,000 articles), so it gives the event loop a
 * turn every slice.
 */
export async function planWhole(
  site: Site,
  before: Manifest,
  precompress: boolean,
): Promise<ExportPlan> {
  const slices = new Slices();
  const files = new ManifestFiles();
  const changed: string[] = [];
  const maybeUnchanged: string[] = [];
  let kept = 0; // files of `before` the site still has
  const visit = (sitePath: string) => {
    const file = fileForPath(sitePath);
    const { siteKey, article, key } = keysOf(site, sitePath, precompress);
    const old = before.files.get(file);
    if (old !== undefined && !files.has(file)) kept++;
    if (article) files.setPage(article.id, siteKey);
    else files.set(file, key);
    (old === key ? maybeUnchanged : changed).push(sitePath);
  };
  for (const sitePath of site.paths()) {
    if (slices.due()) await slices.pause();
    if (!LAST.has(sitePath)) visit(sitePath);
  }
  for (const sitePath of LAST) visit(sitePath);
  const stale =
    before.files.size === kept ? [] : [...before.files.keys()].filter((file) => !files.has(file));
  return {
    changed,
    maybeUnchanged,
    stale,
    files: { get: (file) => files.get(file)!, apply: () => files },
    total: changed.length + maybeUnchanged.length,
  };
}

/**
 * Only the paths the Site's change names, against the manifest of the export of the Site it was
 * made from. The manifest's table is updated in place, once the export is done.
 */
export function planFromChange(
  site: Site,
  change: SiteChange,
  before: Manifest,
  precompress: boolean,
): ExportPlan {
  const keys = new Map<string, string>();
  // What apply() writes into the table: article pages by id, the other files by path.
  const pages: [id: string, siteKey: string][] = [];
  const others: [file: string, key: string][] = [];
  const changed: string[] = [];
  const maybeUnchanged: string[] = [];
  const visit = (sitePath: string) => {
    const file = fileForPath(sitePath);
    if (keys.has(file)) return;
    const { siteKey, article, key } = keysOf(site, sitePath, precompress);
    keys.set(file, key);
    if (article) pages.push([article.id, siteKey]);
    else others.push([file, key]);
    (before.files.get(file) === key ? maybeUnchanged : changed).push(sitePath);
  };
  for (const sitePath of change.paths) if (!LAST.has(sitePath)) visit(sitePath);
  for (const sitePath of change.paths) if (LAST.has(sitePath)) visit(sitePath);
  const stale = change.gone
    .map(fileForPath)
    .filter((file) => !keys.has(file) && before.files.has(file));
  return {
    changed,
    maybeUnchanged,
    stale,
    files: {
      get: (file) => keys.get(file) ?? before.files.get(file)!,
      apply: (gone) => {
        for (const [file, key] of others) before.files.set(file, key);
        for (const [id, siteKey] of pages) before.files.setPage(id, siteKey);
        for (const file of gone) before.files.delete(file);
        return before.files;
      },
    },
    total: site.size,
  };
}

/** A path's Site key, its article (an article page's), and its export key. */
function keysOf(site: Site, sitePath: string, precompress: boolean) {
  const siteKey = site.keyOf(sitePath)!;
  const article = site.article(sitePath);
  const key = exportKey(siteKey, hasSiblings(article ? 'article' : 'other', precompress));
  return { siteKey, article, key };
}
