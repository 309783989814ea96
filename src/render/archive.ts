/**
 * RFC 5005 §4 archived feeds, as pure arithmetic over a group's articles (newest first).
 *
 * The current feed shows the newest `limit` articles; everything older is archived. Archive pages
 * are numbered from the OLDEST article: page n holds archived articles n·size … (n+1)·size − 1,
 * counted from the oldest, so a new article never moves an old one to another page and a full
 * page keeps its bytes. The newest page is "open": it fills up as articles leave the current
 * feed, and it is there (possibly empty) as soon as anything is archived, so that every full page
 * can link to its successor from the moment it is full — its bytes never change afterwards.
 */
export const DEFAULT_ARCHIVE_PAGE_SIZE = 100;

export interface ArchiveLayout {
  /** Articles not in the current feed. */
  readonly archived: number;
  /** Archive pages 0 … pages − 1 (0 when nothing is archived). */
  readonly pages: number;
}

export function archiveLayout(total: number, limit: number, pageSize: number): ArchiveLayout {
  const archived = Math.max(0, total - limit);
  return { archived, pages: archived === 0 ? 0 : Math.floor(archived / pageSize) + 1 };
}

/** A full page never changes (as long as no older article is added or removed). */
export function isFullPage(layout: ArchiveLayout, n: number, pageSize: number): boolean {
  return (n + 1) * pageSize <= layout.archived;
}

/** The ids on archive page `n`, newest first, from a group's ids (newest first). */
export function archivePageIds(
  ids: readonly string[],
  layout: ArchiveLayout,
  n: number,
  pageSize: number,
): readonly string[] {
  if (!(n >= 0 && n < layout.pages)) return [];
  // Oldest-first index i is ids[total − 1 − i].
  const total = ids.length;
  const from = n * pageSize;
  const to = Math.min((n + 1) * pageSize, layout.archived);
  return ids.slice(total - to, total - from);
}
