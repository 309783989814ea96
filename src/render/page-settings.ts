import type { PageContext } from './pages.js';
import { Urls } from './urls.js';

/** What an article page needs besides the article, as plain data: what a page-writing worker is sent. */
export interface PageSettings {
  readonly siteTitle: string;
  readonly language: string;
  readonly baseUrl: string;
  readonly slugs: ReadonlyArray<readonly [string, string]>;
}

export function pageSettingsOf(ctx: PageContext): PageSettings {
  return {
    siteTitle: ctx.siteTitle,
    language: ctx.language,
    baseUrl: ctx.urls.base,
    slugs: [...ctx.slugs],
  };
}

/** The PageContext the settings were made from, rebuilt where they arrive. */
export function pageContextOf(settings: PageSettings): PageContext {
  return {
    siteTitle: settings.siteTitle,
    language: settings.language,
    urls: new Urls(settings.baseUrl),
    slugs: new Map(settings.slugs),
  };
}
