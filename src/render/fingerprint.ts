import { hash } from 'node:crypto';
import type { Article } from '../model.js';
import { summaryOf } from '../catalog/summary-ref.js';

/** Bump when templates change, so exports and restored validators are not reused across versions. */
export const RENDERER_VERSION = 5;

export const shortHash = (text: string) => hash('sha1', text, 'base64url');

/** An article's fingerprint in one rendering context. */
interface Stamp {
  readonly context: string;
  readonly print: string;
}

/**
 * Fingerprints by article object (an unchanged article is the same object from scan to scan), so
 * that a rescan hashes only the articles that changed. One memo follows one chain of Sites, each
 * made from the last one's resources (see Previous in site-resources.ts).
 */
export class FingerprintMemo {
  private readonly stamps = new WeakMap<Article, Stamp>();
  /**
   * One string per context: articles of the same categories share it, instead of each keeping
   * the copy it was asked with (at 100,000 articles, ~5 MB of equal strings).
   */
  private readonly contexts = new Map<string, string>();

  /** The article's stamp in `context`: the one it had, or a new one. */
  stamp(article: Article, slugs: ReadonlyMap<string, string>, context: string): Stamp {
    const known = this.stamps.get(article);
    if (known && known.context === context) return known;
    const entry = { context: this.shared(context), print: fingerprint(article, slugs) };
    this.stamps.set(article, entry);
    return entry;
  }

  /** The memo's one copy of a context string (the same object for every article that has it). */
  shared(context: string): string {
    const known = this.contexts.get(context);
    if (known !== undefined) return known;
    // Contexts of settings and categories long gone are not kept for ever.
    if (this.contexts.size >= MOST_CONTEXTS) this.contexts.clear();
    this.contexts.set(context, context);
    return context;
  }
}

const MOST_CONTEXTS = 10_000;

/** Everything that shapes an article's appearance in a feed, a list or its page, as one short string. */
function fingerprint(article: Article, slugs: ReadonlyMap<string, string>): string {
  return hash(
    'sha1',
    JSON.stringify([
      article.guid,
      article.contentHash,
      article.title,
      article.link,
      article.date,
      article.updated,
      // Its Last-Modified's source: equal keys then mean equal dates too (site-resources.ts).
      article.modified,
      article.author,
      article.image,
      summaryOf(article),
      article.categories.map((c) => [c, slugs.get(c)]),
      article.tags,
      article.sources,
      article.bodySource,
    ]),
    'base64url',
  );
}

/**
 * The fingerprints of one Site's articles, each worked out when first asked for: a Site made
 * after a one-file change asks only for the articles of what it renders again (and the export
 * only for the pages that changed), not for all of them. Each is kept by the memo's stamp of its
 * article, not in a table of this Site's own (a Map of one entry per article: ~1.8 MB at 45,000).
 */
export class ArticlePrints {
  /**
   * Each context by the categories list it is made from: articles share their lists (see
   * catalog/shared-names.ts), so this holds a few thousand entries, and a print asked for again
   * costs two lookups and no string.
   */
  private readonly contexts = new Map<readonly string[], string>();

  constructor(
    private readonly byId: ReadonlyMap<string, Article>,
    private readonly slugs: ReadonlyMap<string, string>,
    private readonly settings: string,
    private readonly memo: FingerprintMemo,
  ) {}

  print(id: string): string | undefined {
    const a = this.byId.get(id);
    return a && this.memo.stamp(a, this.slugs, this.contextOf(a.categories)).print;
  }

  /** What else shapes an article's outputs: the settings, and the slugs of its own categories. */
  private contextOf(categories: readonly string[]): string {
    let context = this.contexts.get(categories);
    if (context === undefined) {
      const slugs = categories.map((c) => this.slugs.get(c)).join('\0');
      context = this.memo.shared(`${this.settings}|${slugs}`);
      this.contexts.set(categories, context);
    }
    return context;
  }

  /** The fingerprints of a list of articles, in order: part of the key of whatever lists them. */
  printsOf(ids: readonly string[]): string {
    return ids.map((id) => this.print(id)).join(',');
  }
}
