import type { Catalog } from '../model.js';
import { DEFAULT_ARCHIVE_PAGE_SIZE } from './archive.js';
import { ArticlePrints, RENDERER_VERSION, shortHash, type FingerprintMemo } from './fingerprint.js';
import { detectLanguage } from './language.js';
import type { PageContext } from './pages.js';
import type { SiteGroups } from './site-groups.js';
import { Urls } from './urls.js';

export interface SiteOptions {
  readonly baseUrl: string;
  readonly siteTitle: string;
  readonly language?: string;
  readonly icon?: string;
  /** The WebSub hub every feed advertises, if any. */
  readonly hubUrl?: string;
  /** Most items in one feed. */
  readonly limit: number;
  /** Articles per RFC 5005 archive page (default 100). */
  readonly archivePageSize?: number;
  /** Bytes the rendered feeds and list pages may hold at once (site.ts DOCUMENT_BYTES). */
  readonly documentBytes?: number;
}

/** What every output of one Site is rendered from, settled when the Site is made and never changed. */
export interface SiteInputs {
  readonly catalog: Catalog;
  readonly options: SiteOptions;
  /** The date of whatever this Site renders for the first time. */
  readonly builtAt: Date;
  readonly language: string;
  readonly urls: Urls;
  /** Category name → slug. */
  readonly slugs: ReadonlyMap<string, string>;
  readonly page: PageContext;
  readonly archivePageSize: number;
  /** Every setting that shows in the outputs, hashed: part of every key. */
  readonly settings: string;
  readonly groups: SiteGroups;
  readonly prints: ArticlePrints;
  /** Where `prints` were taken from; the next Site of the chain takes them from it too. */
  readonly memo: FingerprintMemo;
}

export function siteInputs(
  catalog: Catalog,
  options: SiteOptions,
  builtAt: Date,
  groups: SiteGroups,
  memo: FingerprintMemo,
): SiteInputs {
  const urls = new Urls(options.baseUrl);
  const language = options.language ?? detectLanguage(catalog.articles);
  const slugs = new Map(catalog.categories.map((c) => [c.name, c.slug]));
  const archivePageSize = options.archivePageSize ?? DEFAULT_ARCHIVE_PAGE_SIZE;
  const settings = shortHash(
    JSON.stringify([
      RENDERER_VERSION,
      options.baseUrl,
      options.siteTitle,
      language,
      options.icon,
      options.limit,
      options.hubUrl,
      archivePageSize,
    ]),
  );
  return {
    catalog,
    options,
    builtAt,
    language,
    urls,
    slugs,
    page: { siteTitle: options.siteTitle, language, urls, slugs },
    archivePageSize,
    settings,
    groups,
    prints: new ArticlePrints(catalog.byId, slugs, settings, memo),
    memo,
  };
}
