import { createHash } from 'node:crypto';
import type { Article } from '../model.js';

/** Bump when templates change, so exports and restored validators are not reused across versions. */
export const RENDERER_VERSION = 5;

export const shortHash = (text: string) => createHash('sha1').update(text).digest('base64url');

/** An article's fingerprint in one rendering context, and since when it has had it. */
interface Stamp {
  readonly context: string;
  readonly print: string;
  readonly since: Date;
}

/**
 * Fingerprints by article object (an unchanged article is the same object from scan to scan),
 * with the time this version of the article's page was first rendered: its Last-Modified.
 *
 * One memo follows one chain of Sites, each made from the last one's resources (see Previous in
 * site-resources.ts), so that an article unchanged since an earlier scan keeps that scan's date.
 * A Site made from nothing, or from validators restored from the state file, starts a memo of
 * its own: Sites of different chains never see each other's dates.
 */
export class FingerprintMemo {
  private readonly stamps = new WeakMap<Article, Stamp>();

  /** The article's stamp in `context`: the one it had, or a new one dated `now`. */
  stamp(article: Article, slugs: ReadonlyMap<string, string>, context: string, now: Date): Stamp {
    const known = this.stamps.get(article);
    if (known && known.context === context) return known;
    const entry = { context, print: fingerprint(article, slugs), since: now };
    this.stamps.set(article, entry);
    return entry;
  }
}

/** Everything that shapes an article's appearance in a feed, a list or its page, as one short string. */
function fingerprint(article: Article, slugs: ReadonlyMap<string, string>): string {
  return createHash('sha1')
    .update(
      JSON.stringify([
        article.guid,
        article.contentHash,
        article.title,
        article.link,
        article.date.getTime(),
        article.updated.getTime(),
        article.author,
        article.image,
        article.summary,
        article.categories.map((c) => [c, slugs.get(c)]),
        article.tags,
        article.sources,
        article.bodySource,
      ]),
    )
    .digest('base64url');
}

/** The fingerprint of every article of one Site, and since when each article's pages look as they do. */
export class ArticlePrints {
  private readonly prints = new Map<string, string>();
  private readonly sinceById = new Map<string, Date>();

  constructor(
    articles: readonly Article[],
    slugs: ReadonlyMap<string, string>,
    settings: string,
    now: Date,
    memo: FingerprintMemo,
  ) {
    for (const a of articles) {
      // What else shapes the article's outputs: the settings, and the slugs of its own categories.
      const context = `${settings}|${a.categories.map((c) => slugs.get(c)).join('\0')}`;
      const stamp = memo.stamp(a, slugs, context, now);
      this.prints.set(a.id, stamp.print);
      this.sinceById.set(a.id, stamp.since);
    }
  }

  print(id: string): string | undefined {
    return this.prints.get(id);
  }

  /** When the article's rendering last changed (its page's Last-Modified, unless it was updated later). */
  since(id: string): Date {
    return this.sinceById.get(id)!;
  }

  /** The fingerprints of a list of articles, in order: part of the key of whatever lists them. */
  printsOf(ids: readonly string[]): string {
    return ids.map((id) => this.prints.get(id)).join(',');
  }
}
