import type { Article, ContentSource, Draft, Rejection } from '../model.js';
import { escapeHtml } from '../parse/text.js';
import { summaryOf } from './summary-ref.js';

export type Reload = (source: string) => Promise<Draft | Rejection | undefined>;

/** Bodies held elsewhere (parse workers keep what they parsed). */
export interface RemoteBodies {
  holds(source: string): boolean;
  bodies(sources: readonly string[]): Promise<Map<string, string>>;
}

type Needs = Pick<Article, 'bodySource' | 'contentHash' | 'summary' | 'summaryAt'>;

export class ContentStore implements ContentSource {
  private readonly html = new Map<string, string>();

  constructor(
    private readonly reload: Reload = async () => undefined,
    private readonly remote?: RemoteBodies,
  ) {}

  static fromDrafts(drafts: Iterable<Draft>): ContentStore {
    const store = new ContentStore();
    for (const draft of drafts) store.put(draft.source, draft.contentHtml);
    return store;
  }

  get size(): number {
    return this.html.size;
  }

  get(source: string): string | undefined {
    return this.html.get(source);
  }

  put(source: string, html: string): void {
    if (html !== '') this.html.set(source, html);
  }

  /** Brings the bodies of many articles into memory, fetching those workers hold in one go. */
  async requireMany(articles: readonly Needs[]): Promise<void> {
    const missing = articles.filter((a) => !this.html.has(a.bodySource));
    const held = missing.filter((a) => this.remote?.holds(a.bodySource)).map((a) => a.bodySource);
    if (held.length && this.remote)
      for (const [source, html] of await this.remote.bodies(held)) this.put(source, html);
    const found = await Promise.all(missing.map((a) => this.find(a)));
    found.forEach((html, i) => html !== undefined && this.put(missing[i]!.bodySource, html));
  }

  /**
   * One body, for a page: kept only if it already was. The page made from it has its own bounded
   * cache; kept here, every page asked for (a crawler's walk, a restart's export written again)
   * would hold its body until the next scan: at 100,000 files ~0.8 GB.
   */
  async require(article: Needs): Promise<string> {
    // The file changed or vanished since the scan; the rescan that follows will catch up.
    return (await this.find(article)) ?? `<p>${escapeHtml(summaryOf(article))}</p>`;
  }

  /** The article's body as its scan parsed it, or undefined if its file no longer has it. */
  private async find(article: Needs): Promise<string | undefined> {
    const have = this.html.get(article.bodySource);
    if (have !== undefined) return have;
    if (this.remote?.holds(article.bodySource)) {
      const html = (await this.remote.bodies([article.bodySource])).get(article.bodySource);
      if (html !== undefined) return html;
    }
    const draft = await this.reload(article.bodySource);
    return draft && 'contentHtml' in draft && draft.contentHash === article.contentHash
      ? draft.contentHtml
      : undefined;
  }

  /** Forgets every body but those of the named source files. */
  retain(keep: ReadonlySet<string>): void {
    for (const hash of this.html.keys()) if (!keep.has(hash)) this.html.delete(hash);
  }
}
