import { ARCHIVE_LABEL, archiveLayout, NO_ARCHIVE, type ArchiveLayout } from './archive.js';
import { updatedLayout } from './archive-update.js';
import type { SiteGroup } from './site-groups.js';
import { FEED_FILES, FEED_FORMATS, paths, type FeedFormat } from './urls.js';

const FORMAT_OF_FILE = new Map(
  Object.entries(FEED_FILES).map(([format, file]) => [file, format as FeedFormat]),
);

/**
 * Layouts by a group's id list: a Site is built per scan, and a group no change touched keeps
 * its list (and so its archive) from the last one.
 */
const LAYOUTS = new WeakMap<readonly string[], { key: string; layout: ArchiveLayout }>();

/** Where a feed path points: a group's current feed, or one of its archive pages. */
export interface FeedSource {
  readonly group: SiteGroup;
  readonly format: FeedFormat;
  readonly layout: ArchiveLayout;
  /** The archive page's label (archive.ts); undefined for the current feed. */
  readonly archivePage?: string;
}

export interface ArchivePage extends FeedSource {
  readonly archivePage: string;
}

export const isArchivePage = (source: FeedSource): source is ArchivePage =>
  source.archivePage !== undefined;

/** Every feed document of a site by path: each group's current feeds and RFC 5005 archive pages. */
export class FeedRoutes {
  private readonly groups = new Map<string, SiteGroup>();
  private readonly current = new Map<string, SiteGroup>();

  /**
   * `before`: the routes of the Site this one was made from, and the dates (ms) of the articles
   * that came or went: a group's layout is then updated from its last one (archive-update.ts).
   */
  constructor(
    groups: readonly SiteGroup[],
    private readonly timeOf: (id: string) => number,
    private readonly limit: number,
    private readonly pageSize: number,
    private before?: { readonly routes: FeedRoutes; readonly times: readonly number[] },
  ) {
    for (const group of groups) {
      this.groups.set(group.page, group);
      for (const format of FEED_FORMATS)
        this.current.set(paths.groupFeed(group.page, format), group);
    }
  }

  /** Computed on first use: a scan that touches one group lays out only that group again. */
  layoutOf(group: SiteGroup): ArchiveLayout {
    // Authors' feeds have no archive: their history is in the all-articles archive, and rendering
    // it again would cost a quarter more of archive pages on every cold build.
    if (group.kind === 'author') return NO_ARCHIVE;
    const key = `${this.limit}|${this.pageSize}`;
    const known = LAYOUTS.get(group.articleIds);
    if (known && known.key === key) return known.layout;
    const last = this.before?.routes.knownLayout(group.page, key);
    const layout = last
      ? updatedLayout(
          last,
          group.articleIds,
          this.timeOf,
          this.limit,
          this.pageSize,
          this.before!.times,
        )
      : archiveLayout(group.articleIds, this.timeOf, this.limit, this.pageSize);
    LAYOUTS.set(group.articleIds, { key, layout });
    return layout;
  }

  /** Lays out from scratch from now on: the last routes (and their Site) can go. */
  forgetBefore(): void {
    this.before = undefined;
  }

  /** The layout of the group at `page` if it was made already, with these settings. */
  private knownLayout(page: string, key: string): ArchiveLayout | undefined {
    const group = this.groups.get(page);
    const known = group && group.kind !== 'author' && LAYOUTS.get(group.articleIds);
    return known && known.key === key ? known.layout : undefined;
  }

  feedAt(path: string): FeedSource | undefined {
    const archive = this.archiveAt(path);
    if (archive) return archive;
    const group = this.current.get(path);
    const format = group && FORMAT_OF_FILE.get(path.slice(path.lastIndexOf('/') + 1));
    return group && format && { group, format, layout: this.layoutOf(group) };
  }

  /** The archive page at `path` (`<group page>archive/<label>/<feed file>`), if there is one. */
  archiveAt(path: string): ArchivePage | undefined {
    const m = /^(\/(?:[^/]+\/[^/]+\/)?)archive\/([^/]{1,60})\/([a-z]+\.[a-z]+)$/.exec(path);
    const group = m && ARCHIVE_LABEL.test(m[2]!) ? this.groups.get(m[1]!) : undefined;
    const format = group && FORMAT_OF_FILE.get(m![3]!);
    if (!group || !format) return undefined;
    const layout = this.layoutOf(group);
    return layout.index.has(m![2]!) ? { group, format, archivePage: m![2]!, layout } : undefined;
  }

  /** The articles on an archive page, newest first. */
  archiveIds(page: ArchivePage): readonly string[] {
    return page.layout.pages[page.layout.index.get(page.archivePage)!]!.ids;
  }

  /** Every page but the newest changes only when an article of its own period does. */
  isFull(page: ArchivePage): boolean {
    return page.layout.index.get(page.archivePage)! < page.layout.pages.length - 1;
  }

  /** `paths`, archive pages last, by their newest article, newest first (Site.inRenderingOrder). */
  inRenderingOrder(paths: readonly string[]): string[] {
    const others: string[] = [];
    const archived: Array<{ readonly path: string; readonly time: number }> = [];
    for (const path of paths) {
      const page = this.archiveAt(path);
      const newest = page && this.archiveIds(page)[0];
      if (!page) others.push(path);
      else archived.push({ path, time: newest === undefined ? 0 : this.timeOf(newest) });
    }
    archived.sort((a, b) => b.time - a.time); // stable: a page's formats keep their order
    return others.concat(archived.map((a) => a.path));
  }

  /** Every archive page's path, group by group, in a stable order. */
  *archivePaths(): Iterable<string> {
    for (const group of this.groups.values()) {
      for (const { label } of this.layoutOf(group).pages)
        for (const format of FEED_FORMATS) yield paths.archive(group.page, label, format);
    }
  }

  get archiveDocuments(): number {
    let documents = 0;
    for (const group of this.groups.values())
      documents += this.layoutOf(group).pages.length * FEED_FORMATS.length;
    return documents;
  }
}
