import type { Article } from '../model.js';
import { ResourceLru } from './byte-lru.js';
import { renderArticlePage } from './pages.js';
import { newestChange } from './last-modified.js';
import { Resource } from './resource.js';
import type { SiteInputs } from './site-inputs.js';
import { CONTENT_TYPES } from './urls.js';

/** Article pages kept once rendered: one per article, so possibly 100,000, too many to hold all. */
const RECENT_PAGES = 500;

/** The pages at `/articles/<id>/`, rendered on first request from a body the caller brings. */
export class ArticlePages {
  private readonly recent = new ResourceLru(RECENT_PAGES, Infinity);

  /** Made once: a key is then one joined string over two shared ones (the export's manifest keeps it). */
  private readonly keyPrefix: string;

  constructor(private readonly inputs: SiteInputs) {
    this.keyPrefix = `${inputs.settings}|`;
  }

  /** The article at an `/articles/<id>/` path. */
  at(path: string): Article | undefined {
    const id = /^\/articles\/([0-9a-z]+)\/$/.exec(path)?.[1];
    return id === undefined ? undefined : this.inputs.catalog.byId.get(id);
  }

  /** What the article's page is rendered from: equal keys, equal bytes. */
  key(article: Article): string {
    return `${this.keyPrefix}${this.inputs.prints.print(article.id)}`;
  }

  page(path: string, article: Article, body: string, keep = true): Resource {
    const known = this.recent.get(path);
    if (known) return known;
    // Dated from the seeds (last-modified.ts), so a reader that sends only If-Modified-Since
    // (tt-rss) gets its 304 after a restart, a racy re-read, or from another replica.
    const lastModified = newestChange([article]);
    const resource = new Resource(
      path,
      CONTENT_TYPES.html,
      renderArticlePage(this.inputs.page, article, body),
      lastModified,
      this.key(article),
    );
    return keep ? this.recent.set(path, resource) : resource;
  }
}
