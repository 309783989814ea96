import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Article, Category } from '../model.js';
import { MAX_QUERY_LENGTH } from './search.js';
import { FEED_FORMATS, paths, type FeedFormat, type Urls } from './urls.js';

/** HTML pages for people: the index, one per category, one per article. Escaped by hono/html. */

export interface PageContext {
  readonly siteTitle: string;
  readonly language: string;
  readonly urls: Urls;
  readonly slugs: ReadonlyMap<string, string>;
}

const FEED_LABELS: Record<FeedFormat, { label: string; type: string }> = {
  rss: { label: 'RSS', type: 'application/rss+xml' },
  atom: { label: 'Atom', type: 'application/atom+xml' },
  json: { label: 'JSON Feed', type: 'application/feed+json' },
};

const STYLE = `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#6e6e73;--line:#e5e5ea;--accent:#0a66c2;--bg:#fff}
@media (prefers-color-scheme:dark){:root{--fg:#f2f2f7;--muted:#a1a1a6;--line:#38383a;--accent:#64a8ff;--bg:#1c1c1e}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.75 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1.25rem 4rem}
header.site{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap;border-bottom:1px solid var(--line);padding-bottom:.75rem;margin-bottom:1.5rem}
header.site a.home{font-weight:700;font-size:1.15rem;color:var(--fg);text-decoration:none}
a{color:var(--accent)}
h1{font-size:1.65rem;line-height:1.35;margin:.2rem 0 .6rem}
h2{font-size:1.1rem;margin:2rem 0 .6rem;color:var(--muted);font-weight:600;letter-spacing:.02em}
.feeds a,.pill{display:inline-block;font-size:.8rem;line-height:1.6;padding:0 .55rem;border:1px solid var(--line);border-radius:999px;text-decoration:none;margin:0 .25rem .25rem 0}
ul.articles{list-style:none;padding:0;margin:0}
ul.articles li{padding:.7rem 0;border-bottom:1px solid var(--line)}
ul.articles a.title{font-weight:600;text-decoration:none;color:var(--fg)}
ul.articles a.title:hover{color:var(--accent)}
.meta{color:var(--muted);font-size:.85rem}
.meta .pill{font-size:.75rem}
table.categories,table.groups{width:100%;border-collapse:collapse}
table.categories td,table.groups td{padding:.45rem .25rem;border-bottom:1px solid var(--line);vertical-align:top}
table.categories td.count,table.groups td.count{text-align:right;color:var(--muted);white-space:nowrap}
article.content{margin-top:1.5rem;overflow-wrap:anywhere}
article.content img{max-width:100%;height:auto;display:block;margin:1rem auto;border-radius:4px}
article.content table{border-collapse:collapse;max-width:100%;overflow:auto;display:block}
article.content td,article.content th{border:1px solid var(--line);padding:.3rem .5rem}
article.content blockquote{margin:1rem 0;padding:.2rem 1rem;border-left:3px solid var(--line);color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.85rem;color:var(--muted);margin:1rem 0}
dl.facts dd{margin:0;overflow-wrap:anywhere}
form.search{display:flex;gap:.5rem;margin:.5rem 0}
form.search input{flex:1;font:inherit;padding:.2rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
form.search button{font:inherit;padding:.2rem .8rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
footer{margin-top:3rem;color:var(--muted);font-size:.8rem}
`;

function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function feedLinks(ctx: PageContext, feedPath: (f: FeedFormat) => string, title: string) {
  return FEED_FORMATS.map(
    (f) =>
      html`<link
        rel="alternate"
        type="${FEED_LABELS[f].type}"
        title="${title} (${FEED_LABELS[f].label})"
        href="${ctx.urls.link(feedPath(f))}"
      />`,
  );
}

function feedButtons(ctx: PageContext, feedPath: (f: FeedFormat) => string) {
  return FEED_FORMATS.map(
    (f) =>
      html`<a href="${ctx.urls.link(feedPath(f))}" type="${FEED_LABELS[f].type}"
        >${FEED_LABELS[f].label}</a
      >`,
  );
}

function layout(ctx: PageContext, page: { title: string; head?: unknown; body: unknown }): string {
  const doc = html`<!doctype html>
    <html lang="${ctx.language}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${page.title}</title>
        ${page.head ?? ''}
        <link
          rel="outline"
          type="text/x-opml"
          title="${ctx.siteTitle} (OPML)"
          href="${ctx.urls.link(paths.opml)}"
        />
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>
          <header class="site">
            <a class="home" href="${ctx.urls.link(paths.index)}">${ctx.siteTitle}</a
            ><span class="feeds"
              >${feedButtons(ctx, paths.feed)}<a
                href="${ctx.urls.link(paths.opml)}"
                type="text/x-opml"
                >OPML</a
              ></span
            >
          </header>
          ${page.body}
          <footer>Generated by seedfeed from a directory of article files.</footer>
        </main>
      </body>
    </html> `;
  return (doc as HtmlEscapedString).toString();
}

function categoryPills(ctx: PageContext, names: readonly string[]) {
  return names.map(
    (name) =>
      html`<a class="pill" href="${ctx.urls.link(paths.category(ctx.slugs.get(name)!))}"
        >${name}</a
      >`,
  );
}

function articleList(ctx: PageContext, articles: readonly Article[]) {
  if (articles.length === 0) return html`<p class="meta">No articles yet.</p>`;
  return html`<ul class="articles">
    ${articles.map(
      (a) =>
        html`<li>
          <a class="title" href="${ctx.urls.link(paths.article(a.id))}">${a.title}</a>
          <div class="meta">
            <time datetime="${a.date.toISOString()}">${formatDate(a.date)}</time
            >${a.author ? html` · ${a.author}` : ''} ${categoryPills(ctx, a.categories)}
          </div>
        </li>`,
    )}
  </ul>`;
}

/** A tag's or an author's feeds, as listed on the index. */
export interface GroupLink {
  readonly name: string;
  readonly page: string;
  readonly count: number;
}

function groupTable(ctx: PageContext, groups: readonly GroupLink[]) {
  const rows = groups.map(
    (g) =>
      html`<tr>
        <td><a href="${ctx.urls.link(g.page)}">${g.name}</a></td>
        <td class="count">${g.count}</td>
        <td class="feeds">${feedButtons(ctx, (f) => paths.groupFeed(g.page, f))}</td>
      </tr>`,
  );
  return html`<table class="groups">
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** The search box: a plain GET form, so it works without JavaScript. */
function searchForm(ctx: PageContext, q = '') {
  return html`<form
    class="search"
    method="get"
    action="${ctx.urls.link(paths.index)}"
    role="search"
  >
    <input
      type="search"
      name="q"
      value="${q}"
      maxlength="${MAX_QUERY_LENGTH}"
      placeholder="Search titles and summaries"
      aria-label="Search titles and summaries"
    />
    <button type="submit">Search</button>
  </form>`;
}

export function renderIndexPage(
  ctx: PageContext,
  input: {
    categories: readonly Category[];
    newest: readonly Article[];
    total: number;
    tags?: readonly GroupLink[];
    authors?: readonly GroupLink[];
  },
): string {
  const rows = input.categories.map(
    (c) =>
      html`<tr>
        <td><a href="${ctx.urls.link(paths.category(c.slug))}">${c.name}</a></td>
        <td class="count">${c.articleIds.length}</td>
        <td class="feeds">${feedButtons(ctx, (f) => paths.categoryFeed(c.slug, f))}</td>
      </tr>`,
  );
  return layout(ctx, {
    title: ctx.siteTitle,
    head: feedLinks(ctx, paths.feed, `${ctx.siteTitle} — all articles`),
    body: html`<h1>${ctx.siteTitle}</h1>
      <p class="meta">
        ${input.total} articles in ${input.categories.length} categories. Subscribe to everything
        with a feed above, to one category below, or import the
        <a href="${ctx.urls.link(paths.opml)}">OPML</a> to get every category in one step.
      </p>
      ${searchForm(ctx)}
      <p class="meta">
        Search runs on the seedfeed server; a static copy of this site has no search.
      </p>
      <h2>Categories</h2>
      ${
        input.categories.length
          ? html`<table class="categories">
              <tbody>
                ${rows}
              </tbody>
            </table>`
          : html`<p class="meta">No categories.</p>`
      }
      ${
        input.tags?.length
          ? html`<h2>Tags</h2>
              ${groupTable(ctx, input.tags)}`
          : ''
      }
      ${
        input.authors?.length
          ? html`<h2>Authors</h2>
              ${groupTable(ctx, input.authors)}`
          : ''
      }
      <h2>Newest articles</h2>
      ${articleList(ctx, input.newest)}`,
  });
}

/** The page of a tag or an author: like a category's. */
export function renderGroupPage(
  ctx: PageContext,
  input: {
    heading: string;
    title: string;
    page: string;
    count: number;
    articles: readonly Article[];
  },
): string {
  const feedPath = (f: FeedFormat) => paths.groupFeed(input.page, f);
  return layout(ctx, {
    title: `${input.heading} — ${ctx.siteTitle}`,
    head: feedLinks(ctx, feedPath, input.title),
    body: html`<h1>${input.heading}</h1>
      <p class="meta">
        ${input.count}
        articles${input.articles.length < input.count ? `, the newest ${input.articles.length} below` : ''}.
        <span class="feeds">${feedButtons(ctx, feedPath)}</span>
      </p>
      ${articleList(ctx, input.articles)}`,
  });
}

/** Results of `/?q=` (server only): the query is echoed escaped, like every other string. */
export function renderSearchPage(
  ctx: PageContext,
  input: { q: string; results: readonly Article[]; total: number },
): string {
  const { q, results, total } = input;
  return layout(ctx, {
    title: `Search: ${q} — ${ctx.siteTitle}`,
    body: html`<h1>Search</h1>
      ${searchForm(ctx, q)}
      <p class="meta">
        ${q.trim() === '' ? 'Type words to look for in titles and summaries.' : `${total} ${total === 1 ? 'article' : 'articles'} match “${q}”${total > results.length ? `, the newest ${results.length} below` : ''}.`}
      </p>
      ${q.trim() === '' ? '' : articleList(ctx, results)}`,
  });
}

export function renderCategoryPage(
  ctx: PageContext,
  input: { category: Category; articles: readonly Article[] },
): string {
  const { category } = input;
  const feedPath = (f: FeedFormat) => paths.categoryFeed(category.slug, f);
  return layout(ctx, {
    title: `${category.name} — ${ctx.siteTitle}`,
    head: feedLinks(ctx, feedPath, `${ctx.siteTitle} — ${category.name}`),
    body: html`<h1>${category.name}</h1>
      <p class="meta">
        ${category.articleIds.length}
        articles${input.articles.length < category.articleIds.length ? `, the newest ${input.articles.length} below` : ''}.
        <span class="feeds">${feedButtons(ctx, feedPath)}</span>
      </p>
      ${articleList(ctx, input.articles)}`,
  });
}

export function renderArticlePage(ctx: PageContext, article: Article, contentHtml: string): string {
  return layout(ctx, {
    title: `${article.title} — ${ctx.siteTitle}`,
    head: feedLinks(ctx, paths.feed, `${ctx.siteTitle} — all articles`),
    body: html`<h1>${article.title}</h1>
      <div class="meta">
        <time datetime="${article.date.toISOString()}">${formatDate(article.date)}</time
        >${article.author ? html` · ${article.author}` : ''}
        ${categoryPills(ctx, article.categories)}
      </div>
      <dl class="facts">
        ${
          article.link
            ? html`<dt>Original</dt>
                <dd><a href="${article.link}" rel="noopener noreferrer">${article.link}</a></dd>`
            : ''
        }
        ${
          article.updated.getTime() !== article.date.getTime()
            ? html`<dt>Updated</dt>
                <dd>${formatDate(article.updated)}</dd>`
            : ''
        }
        ${
          article.tags.length
            ? html`<dt>Tags</dt>
                <dd>${article.tags.join(', ')}</dd>`
            : ''
        }
        <dt>Source${article.sources.length > 1 ? 's' : ''}</dt>
        <dd>${article.sources.join(', ')}</dd>
        <dt>Guid</dt>
        <dd>${article.guid}</dd>
      </dl>
      <article class="content">${raw(contentHtml)}</article>`,
  });
}

export function renderNotFoundPage(ctx: PageContext): string {
  return layout(ctx, {
    title: `Not found — ${ctx.siteTitle}`,
    body: html`<h1>Not found</h1>
      <p>
        There is nothing at this address. Go to the
        <a href="${ctx.urls.link(paths.index)}">index</a> for every feed.
      </p>`,
  });
}
