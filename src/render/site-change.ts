import type { Article, CatalogChange } from '../model.js';
import type { ArchiveLayout } from './archive.js';
import type { FeedRoutes } from './feed-routes.js';
import { everyGroup, type SiteGroup } from './site-groups.js';
import type { SiteInputs } from './site-inputs.js';
import { FEED_FORMATS, paths } from './urls.js';

/**
 * What may differ between a Site and the one it was made from, found from the catalog's change
 * alone: the export then compares the keys of these paths only, not of every path of the site.
 */
export interface SiteChange {
  /** Paths whose bytes may have changed, or that are new. */
  readonly paths: readonly string[];
  /** Paths the last Site had that this one has not. */
  readonly gone: readonly string[];
}

interface SiteShape {
  readonly resources: ReadonlyMap<string, unknown>;
  readonly routes: FeedRoutes;
  readonly groups: readonly SiteGroup[];
}

/**
 * `standing`: groups of both Sites whose outputs stand (the same object, settings and slugs).
 * Eager resources differ where the new Site did not take the old object over; archive pages
 * of the other groups where their articles, their neighbours or an article on them changed;
 * article pages where the article came.
 */
export function siteChange(
  before: SiteShape,
  after: SiteShape,
  standing: ReadonlySet<SiteGroup>,
  change: CatalogChange,
  byId: ReadonlyMap<string, Article>,
): SiteChange {
  const changed: string[] = [];
  const gone: string[] = [];
  for (const [path, resource] of after.resources)
    if (before.resources.get(path) !== resource) changed.push(path);
  for (const path of before.resources.keys()) if (!after.resources.has(path)) gone.push(path);

  const touched = new Set<string>();
  for (const a of change.gone) touched.add(a.id);
  for (const a of change.came) touched.add(a.id);
  const oldLayouts = new Map<string, ArchiveLayout>();
  for (const group of before.groups)
    if (!standing.has(group)) oldLayouts.set(group.page, before.routes.layoutOf(group));
  for (const group of after.groups) {
    if (standing.has(group)) continue;
    const layout = after.routes.layoutOf(group);
    const old = oldLayouts.get(group.page);
    oldLayouts.delete(group.page);
    layout.pages.forEach((page, n) => {
      if (old && !pageChanged(old, layout, n, touched)) return;
      for (const format of FEED_FORMATS)
        changed.push(paths.archive(group.page, page.label, format));
    });
    for (const page of old?.pages ?? [])
      if (!layout.index.has(page.label)) gone.push(...archivePaths(group.page, page.label));
  }
  // Groups that are no more.
  for (const [page, layout] of oldLayouts)
    for (const { label } of layout.pages) gone.push(...archivePaths(page, label));

  for (const a of change.came) changed.push(paths.article(a.id));
  for (const a of change.gone) if (!byId.has(a.id)) gone.push(paths.article(a.id));
  return { paths: changed, gone };
}

function archivePaths(page: string, label: string): string[] {
  return FEED_FORMATS.map((format) => paths.archive(page, label, format));
}

/** Whether page n of `layout` may differ from the page of the same label in `old`. */
function pageChanged(
  old: ArchiveLayout,
  layout: ArchiveLayout,
  n: number,
  touched: ReadonlySet<string>,
): boolean {
  const page = layout.pages[n]!;
  const m = old.index.get(page.label);
  if (m === undefined) return true;
  const was = old.pages[m]!;
  // Neighbours are linked from the page (prev-archive, next-archive), and whether it is the newest.
  if (old.pages[m - 1]?.label !== layout.pages[n - 1]?.label) return true;
  if (old.pages[m + 1]?.label !== layout.pages[n + 1]?.label) return true;
  // The very page object: a period no article of the change is dated in (archive-update.ts).
  if (was === page) return false;
  if (was.ids.length !== page.ids.length) return true;
  for (let i = 0; i < page.ids.length; i++)
    if (was.ids[i] !== page.ids[i] || touched.has(page.ids[i]!)) return true;
  return false;
}

/**
 * The groups whose outputs stand from `before` to `after`: the same object (the same articles,
 * site-groups.ts). Undefined, nothing stands, when the two are rendered with other settings or
 * category slugs (an article's appearance shows the slugs of its categories, wherever it is
 * listed): then every output is keyed again.
 */
export function standingGroups(before: SiteInputs, after: SiteInputs): Set<SiteGroup> | undefined {
  if (before.settings !== after.settings) return undefined;
  for (const [name, slug] of after.slugs) {
    const was = before.slugs.get(name);
    if (was !== undefined && was !== slug) return undefined;
  }
  const standing = new Set<SiteGroup>();
  const now = new Set(everyGroup(after.groups));
  for (const group of everyGroup(before.groups)) if (now.has(group)) standing.add(group);
  return standing;
}

/** The dates (ms) of the articles that came or left with the change. */
export function changedTimes(change: CatalogChange): number[] {
  return [...change.gone, ...change.came].map((a) => a.date);
}
