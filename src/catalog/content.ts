import type { Article, ContentSource, Draft, Rejection } from '../model.js';
import { escapeHtml } from '../parse/text.js';

export type Reload = (source: string) => Promise<Draft | Rejection | undefined>;

/** Bodies held elsewhere (parse workers keep what they parsed). */
export interface RemoteBodies {
  holds(source: string): boolean;
  bodies(sources: readonly string[]): Promise<Map<string, string>>;
}

type Needs = Pick<Article, 'bodySource' | 'contentHash' | 'summary'>;

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
    await Promise.all(missing.map((a) => this.require(a)));
  }

  async require(article: Needs): Promise<string> {
    const have = this.html.get(article.bodySource);
    if (have !== undefined) return have;
    if (this.remote?.holds(article.bodySource)) {
      const html = (await this.remote.bodies([article.bodySource])).get(article.bodySource);
      if (html !== undefined) {
        this.put(article.bodySource, html);
        return html;
      }
    }
    const draft = await this.reload(article.bodySource);
    if (draft && 'contentHtml' in draft && draft.contentHash === article.contentHash) {
      this.put(draft.source, draft.contentHtml);
      return draft.contentHtml;
    }
    // The file changed or vanished since the scan; the rescan that follows will catch up.
    return `<p>${escapeHtml(article.summary)}</p>`;
  }

  /** Forgets every body but those of the named source files. */
  retain(keep: ReadonlySet<string>): void {
    for (const hash of this.html.keys()) if (!keep.has(hash)) this.html.delete(hash);
  }
}
