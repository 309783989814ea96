import type { Catalog } from '../model.js';
import type { Fields } from '../log.js';
import type { Health } from '../http/app.js';
import type { ScanStats } from '../scan/scanner.js';
import type { Site } from '../render/site.js';

/** How a scan went, as /healthz and the observers are told. */
export interface LastScan {
  readonly at: Date;
  readonly stats: ScanStats;
  readonly ok: boolean;
  /** What /healthz shows: no path, no raw message (http/scan-error.ts); the log has the full message. */
  readonly error?: string;
}

/**
 * What /healthz answers: `starting` until the first Site, `degraded` while the last scan failed
 * (the last good Site is still served), else `ok`; with the counts of the Site being served.
 */
export function healthReport(
  site: Site | undefined,
  last: LastScan | undefined,
  good: LastScan | undefined,
  scanning: boolean,
): Health {
  const status = !site ? 'starting' : last?.ok ? 'ok' : 'degraded';
  const body = {
    status,
    lastScan: last
      ? {
          at: last.at.toISOString(),
          durationMs: Math.round(last.stats.durationMs),
          ok: last.ok,
          ...(last.error ? { error: last.error } : {}),
        }
      : null,
    lastGoodScan: good ? good.at.toISOString() : null,
    files: site?.catalog.files ?? 0,
    articles: site?.catalog.articles.length ?? 0,
    categories: site?.catalog.categories.length ?? 0,
    rejected: site?.catalog.rejected.length ?? 0,
    duplicates: site?.catalog.duplicates ?? 0,
    scanning,
  };
  return { status, body };
}

/** What a scan that built a new Site changed, on disk and in the seeds. */
export interface ScanChanges {
  readonly changed: number;
  /** Files read: the changed ones and those only hashed (racy, touched). */
  readonly read?: number;
  readonly removed: number;
  readonly written: number;
  readonly deleted: number;
}

/**
 * The fields of a `scan` log line. A scan that found nothing changed has no changes: it logs
 * 0 changed and 0 removed, and no written or deleted (it exported nothing).
 */
export function scanLogFields(
  reason: string,
  catalog: Catalog,
  durationMs: number,
  changes?: ScanChanges,
): Fields {
  return {
    reason,
    files: catalog.files,
    changed: changes?.changed ?? 0,
    ...(changes?.read !== undefined ? { read: changes.read } : {}),
    removed: changes?.removed ?? 0,
    articles: catalog.articles.length,
    duplicates: catalog.duplicates,
    near_duplicates: catalog.nearDuplicates ?? 0,
    rejected: catalog.rejected.length,
    ...(changes ? { written: changes.written, deleted: changes.deleted } : {}),
    duration_ms: Math.round(durationMs),
  };
}
