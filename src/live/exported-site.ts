import type { Context, MiddlewareHandler } from 'hono';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { representations } from '../http/representation.js';
import type { RequestCounter } from '../http/request-counters.js';
import { Resource } from '../render/resource.js';
import type { Site, Validator } from '../render/site.js';
import { CONTENT_TYPES, FEED_FILES, Urls, fileForPath } from '../render/urls.js';

export interface ExportedSiteOptions {
  readonly outDir: string;
  readonly baseUrl: string;
  readonly cacheControl: string;
  readonly requests: RequestCounter;
  /** The live Site: once there is one, it answers everything and the export is no longer read. */
  readonly site: () => Site | undefined;
  /** Last-Modified of each output as the state file recorded it (read once by the pipeline). */
  readonly validators: () => Promise<ReadonlyMap<string, Validator>>;
}

const TYPE_BY_NAME: Record<string, string> = {
  [FEED_FILES.rss]: CONTENT_TYPES.rss,
  [FEED_FILES.atom]: CONTENT_TYPES.atom,
  [FEED_FILES.json]: CONTENT_TYPES.json,
  'opml.xml': CONTENT_TYPES.opml,
  'index.html': CONTENT_TYPES.html,
};
// O_NONBLOCK: a FIFO put in the directory answers at once instead of holding the request.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | constants.O_NONBLOCK;

/**
 * Until the first scan of this process has made a Site, GETs are answered from the last export on
 * disk: the same bytes, hence the same ETags, and the Last-Modified the state file recorded
 * (the file's mtime for outputs it does not list, and until the state is loaded). Only files seedfeed exports
 * are served: known names, no hidden segment, no link. What the export cannot answer (a query,
 * a path not in it) falls through to the app, which says 503 until the first scan.
 */
export function exportedSite(options: ExportedSiteOptions): MiddlewareHandler {
  const { outDir, site } = options;
  const prefix = new Urls(options.baseUrl).prefix;
  const { send } = representations(options);
  // Not awaited by requests: the state takes seconds to load at 100,000 articles, and a reader
  // should not wait for it. Until then Last-Modified is the file's mtime (when the bytes were written).
  let recorded: ReadonlyMap<string, Validator> | undefined;
  void options.validators().then((v) => (recorded = v));
  const lastModifiedOf = (sitePath: string) => recorded?.get(sitePath)?.lastModified;

  return async (c: Context, next) => {
    if (site()) return next();
    const sitePath = exportedPathOf(c.req.url, prefix);
    if (sitePath === undefined) return next();
    const file = fileForPath(sitePath);
    const type = TYPE_BY_NAME[path.posix.basename(file)];
    if (!type) return next();
    const read = readExported(path.join(outDir, file));
    if (!read) return next();
    const lastModified = lastModifiedOf(sitePath) ?? wholeSeconds(read.mtimeMs);
    return send(c, new Resource(sitePath, type, read.bytes, lastModified, 'export'));
  };
}

/** The site path of a plain GET the export may hold, or undefined (a query, a hidden segment). */
function exportedPathOf(url: string, prefix: string): string | undefined {
  const parsed = new URL(url, 'http://localhost');
  if (parsed.search) return undefined;
  let p = parsed.pathname;
  if (prefix) {
    if (p !== prefix && !p.startsWith(`${prefix}/`)) return undefined;
    p = p.slice(prefix.length) || '/';
  }
  let segments: string[];
  try {
    segments = p.split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  // Hidden names are seedfeed's own (state, manifest, snapshot, temporary files), never published.
  if (segments.some((s) => s.startsWith('.') || s.includes('\0') || s.includes('\\')))
    return undefined;
  const decoded = segments.join('/');
  return decoded.endsWith('/index.html') ? decoded.slice(0, -'index.html'.length) : decoded;
}

/**
 * Read synchronously: the first scan's walk fills libuv's thread pool with a stat per seed file,
 * and an asynchronous read would wait behind all of them (18 s at 100,000 files). A feed is read
 * from the page cache in well under a millisecond.
 */
function readExported(file: string): { bytes: Uint8Array; mtimeMs: number } | undefined {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    return { bytes: readFileSync(fd), mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

const wholeSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
