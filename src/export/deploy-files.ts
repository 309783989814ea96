import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Site } from '../render/site.js';
import { feedAliases } from '../render/feed-aliases.js';
import { fileForPath } from '../render/urls.js';
import { stampTemps } from './fresh-mtime.js';
import { nginxHttpConf, nginxServerConf, type OtherType } from './nginx-conf.js';
import type { OutputDirs } from './real-dirs.js';
import { DOCUMENT_TYPES, NOT_FOUND_FILE } from './response-policy.js';
import { commitStaged, discardStaged, stageFile } from './staging.js';
import { headersFile, redirectsFile } from './static-host-files.js';

/** Where the nginx include files go, below the export (a dot directory: never served). */
export const NGINX_DIR = '.seedfeed-nginx';

export interface DeployOptions {
  /** serve's Cache-Control max-age: the rescan interval in seconds, at most 300. */
  readonly maxAge: number;
}

/**
 * What the files were last made from: an export whose change brings no path these files do not
 * know and takes none of theirs away (articles aside: they have no entry), and gives no written
 * document another max-age, would make the same bytes: it neither renders nor reads them again.
 */
export interface DeployMemo {
  readonly prefix: string;
  readonly maxAge: number;
  readonly ownMaxAge: ReadonlyMap<string, number>;
  readonly documentPaths: ReadonlySet<string>;
  readonly notFound: Uint8Array;
}

/** Whether the files `memo` was made with are those `site` would make (see DeployMemo). */
export function deployUnchanged(
  memo: DeployMemo | undefined,
  site: Site,
  options: DeployOptions,
  written: ReadonlyMap<string, number | undefined>,
): boolean {
  const change = site.change;
  if (!memo || !change || change.gone.some((p) => memo.documentPaths.has(p))) return false;
  if (memo.prefix !== site.urls.prefix || memo.maxAge !== options.maxAge) return false;
  if (!Buffer.from(site.notFound.body).equals(memo.notFound)) return false;
  for (const sitePath of change.paths)
    if (!site.article(sitePath) && !memo.documentPaths.has(sitePath)) return false;
  for (const [sitePath, maxAge] of written)
    if (!site.article(sitePath) && memo.ownMaxAge.get(sitePath) !== maxAge) return false;
  return true;
}

/**
 * Writes the files that let stock servers answer as serve does: the 404 page, nginx's include
 * files (nginx-conf.ts), `_headers` and `_redirects` (static-host-files.ts). Each is written only
 * when its bytes change, with a fresh mtime (fresh-mtime.ts).
 *
 * `ownMaxAge` is what this export learnt of the max-age of the documents it wrote; those it did
 * not write keep the entry the last http.conf gave them (rendering every archive page again to
 * ask would cost a full export). Without a readable last http.conf every archive page is asked.
 */
export async function writeDeployFiles(
  site: Site,
  out: string,
  dirs: OutputDirs,
  options: DeployOptions,
  written: ReadonlyMap<string, number | undefined>,
): Promise<DeployMemo> {
  const prefix = site.urls.prefix;
  const httpConfFile = path.join(out, NGINX_DIR, 'http.conf');
  const previous = await readTextFile(httpConfFile);
  const known = previous === undefined ? undefined : ownMaxAgeEntries(previous, prefix);
  const ownMaxAge = new Map<string, number>();
  const otherTypes = new Map<string, OtherType>();
  const documentPaths = new Set<string>();
  // Article pages, most paths, have no max-age of their own.
  for (const sitePath of site.documentPaths()) {
    documentPaths.add(sitePath);
    const eager = site.resources.get(sitePath);
    let maxAge: number | undefined;
    if (eager) {
      maxAge = eager.maxAge;
      const file = `/${fileForPath(sitePath)}`;
      if (!DOCUMENT_TYPES.some((d) => file.endsWith(d.suffix)))
        otherTypes.set(sitePath, { type: eager.contentType, feed: eager.isFeed });
    } else if (written.has(sitePath)) maxAge = written.get(sitePath);
    else if (known) maxAge = known.get(sitePath);
    else maxAge = (await site.load(sitePath, false))?.maxAge;
    if (maxAge !== undefined) ownMaxAge.set(sitePath, maxAge);
  }
  // Guessed feed URLs (`/feed/`, `/categories/x/atom`): serve's 301s, as nginx map entries.
  // Group feeds are eager resources: the aliases need no archive or article path.
  const redirects = new Map(feedAliases(site.resources.keys()).map(({ from, to }) => [from, to]));
  const inputs = { prefix, maxAge: options.maxAge, ownMaxAge, redirects, otherTypes };
  const files: [string, string | Uint8Array][] = [
    [NOT_FOUND_FILE, site.notFound.body],
    ['_headers', headersFile(prefix, options.maxAge, otherTypes)],
    ['_redirects', redirectsFile(prefix)],
    [path.join(NGINX_DIR, 'server.conf'), nginxServerConf(inputs)],
    [path.join(NGINX_DIR, 'http.conf'), nginxHttpConf(inputs)],
  ];
  for (const [rel, data] of files) await writeIfChanged(path.join(out, rel), data, dirs);
  const notFound = Buffer.from(site.notFound.body);
  return { prefix, maxAge: options.maxAge, ownMaxAge, documentPaths, notFound };
}

/** The per-URI entries of a generated http.conf: site path → max-age. */
function ownMaxAgeEntries(conf: string, prefix: string): Map<string, number> {
  const entries = new Map<string, number>();
  const map = /map \$uri \$seedfeed_cache_control \{\n([^}]*)\}/.exec(conf)?.[1] ?? '';
  for (const [, uri, maxAge] of map.matchAll(/^ {4}"([^"]*)" "public, max-age=(\d+)";$/gm))
    if (uri!.startsWith(prefix)) entries.set(uri!.slice(prefix.length), Number(maxAge));
  return entries;
}

async function readTextFile(file: string): Promise<string | undefined> {
  if (!(await lstat(file).catch(() => undefined))?.isFile()) return undefined;
  return readFile(file, 'utf8').catch(() => undefined);
}

async function writeIfChanged(file: string, data: string | Uint8Array, dirs: OutputDirs) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  if ((await lstat(file).catch(() => undefined))?.isFile()) {
    const old = await readFile(file).catch(() => undefined);
    if (old?.equals(bytes)) return;
  }
  const staged = await stageFile(file, bytes, dirs);
  try {
    await stampTemps(file, [staged.temp]);
    await commitStaged(staged);
  } catch (error) {
    await discardStaged([staged]);
    throw error;
  }
}
