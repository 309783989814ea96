import { archiveLayout, archivePageIds, isFullPage, type ArchiveLayout } from './archive.js';
import type { SiteGroup } from './site-groups.js';
import { FEED_FILES, FEED_FORMATS, paths, type FeedFormat } from './urls.js';

const NO_ARCHIVE: ArchiveLayout = { archived: 0, pages: 0 };
const FORMAT_OF_FILE = new Map(
  Object.entries(FEED_FILES).map(([format, file]) => [file, format as FeedFormat]),
);

/** Where a feed path points: a group's current feed, or one of its archive pages. */
export interface FeedSource {
  readonly group: SiteGroup;
  readonly format: FeedFormat;
  readonly layout: ArchiveLayout;
  /** Undefined for the current feed. */
  readonly archivePage?: number;
}

export interface ArchivePage extends FeedSource {
  readonly archivePage: number;
}

export const isArchivePage = (source: FeedSource): source is ArchivePage =>
  source.archivePage !== undefined;

/** Every feed document of a site by path: each group's current feeds and RFC 5005 archive pages. */
export class FeedRoutes {
  private readonly archives = new Map<string, { group: SiteGroup; layout: ArchiveLayout }>();
  private readonly current = new Map<string, FeedSource>();

  constructor(
    groups: readonly SiteGroup[],
    limit: number,
    private readonly pageSize: number,
  ) {
    for (const group of groups) {
      // Authors' feeds have no archive: their history is in the all-articles archive, and rendering
      // it again would cost a quarter more of archive pages on every cold build.
      const layout =
        group.kind === 'author'
          ? NO_ARCHIVE
          : archiveLayout(group.articleIds.length, limit, pageSize);
      this.archives.set(group.page, { group, layout });
      for (const format of FEED_FORMATS)
        this.current.set(paths.groupFeed(group.page, format), { group, format, layout });
    }
  }

  layoutOf(group: SiteGroup): ArchiveLayout {
    return this.archives.get(group.page)!.layout;
  }

  feedAt(path: string): FeedSource | undefined {
    return this.archiveAt(path) ?? this.current.get(path);
  }

  /** The archive page at `path` (`<group page>archive/<n>/<feed file>`), if there is one. */
  archiveAt(path: string): ArchivePage | undefined {
    const m = /^(\/(?:[^/]+\/[^/]+\/)?)archive\/(0|[1-9]\d{0,8})\/([a-z]+\.[a-z]+)$/.exec(path);
    const known = m && this.archives.get(m[1]!);
    const format = m && FORMAT_OF_FILE.get(m[3]!);
    if (!known || !format) return undefined;
    const archivePage = Number(m[2]);
    return archivePage < known.layout.pages
      ? { group: known.group, format, archivePage, layout: known.layout }
      : undefined;
  }

  /** The articles on an archive page, newest first. */
  archiveIds(page: ArchivePage): readonly string[] {
    return archivePageIds(page.group.articleIds, page.layout, page.archivePage, this.pageSize);
  }

  isFull(page: ArchivePage): boolean {
    return isFullPage(page.layout, page.archivePage, this.pageSize);
  }

  /** Every archive page's path, group by group, in a stable order. */
  *archivePaths(): Iterable<string> {
    for (const { group, layout } of this.archives.values()) {
      for (let n = 0; n < layout.pages; n++)
        for (const format of FEED_FORMATS) yield paths.archive(group.page, n, format);
    }
  }

  get archiveDocuments(): number {
    let documents = 0;
    for (const { layout } of this.archives.values())
      documents += layout.pages * FEED_FORMATS.length;
    return documents;
  }
}
