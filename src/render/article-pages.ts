import type { Article } from '../model.js';
import { ResourceLru } from './byte-lru.js';
import { renderArticlePage } from './pages.js';
import { Resource, wholeSeconds } from './resource.js';
import type { SiteInputs } from './site-inputs.js';
import { CONTENT_TYPES } from './urls.js';

/** Article pages kept once rendered: one per article, so possibly 100,000, too many to hold all. */
const RECENT_PAGES = 500;

/** The pages at `/articles/<id>/`, rendered on first request from a body the caller brings. */
export class ArticlePages {
  private readonly recent = new ResourceLru(RECENT_PAGES, Infinity);

  constructor(private readonly inputs: SiteInputs) {}

  /** The article at an `/articles/<id>/` path. */
  at(path: string): Article | undefined {
    const id = /^\/articles\/([0-9a-z]+)\/$/.exec(path)?.[1];
    return id === undefined ? undefined : this.inputs.catalog.byId.get(id);
  }

  /** What the article's page is rendered from: equal keys, equal bytes. */
  key(article: Article): string {
    return `${this.inputs.settings}|${this.inputs.prints.print(article.id)}`;
  }

  page(path: string, article: Article, body: string): Resource {
    const known = this.recent.get(path);
    if (known) return known;
    // Last-Modified moves whenever the page's bytes may have (a renamed category, new settings),
    // not only when the article was updated: a stale 304 would be worse than a spare 200.
    const since = this.inputs.prints.since(article.id);
    const lastModified = wholeSeconds(since > article.updated ? since : article.updated);
    return this.recent.set(
      path,
      new Resource(
        path,
        CONTENT_TYPES.html,
        renderArticlePage(this.inputs.page, article, body),
        lastModified,
        this.key(article),
      ),
    );
  }
}
