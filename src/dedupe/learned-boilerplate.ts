import type { LearnedLine } from '../model.js';
import { paragraphKeys, shortParagraphKeys } from './sketch.js';

/**
 * Boilerplate learned from the corpus: a short paragraph (a line of ≤ 100 normalized characters)
 * that recurs in many articles of one publisher — a site's own footer, promo or byline that no
 * fixed rule names. It is ignored for near-duplicate similarity. It stays in the displayed body:
 * what an article shows must not depend on which other files happen to be in the seeds directory
 * (a new file would otherwise re-render, and change the ETags of, older articles' pages and feeds).
 */

/** At least this many distinct articles of the publisher … */
export const MIN_ARTICLES = 5;
/** … and at least this share of them. */
export const MIN_SHARE = 0.1;

/**
 * Who published an article: the host of its original link; without a link, its author; without
 * either, the top-level directory of its file (crawlers usually write one directory per site).
 */
export function publisherOf(draft: {
  readonly link?: string;
  readonly author?: string;
  readonly source: string;
}): string {
  if (draft.link) {
    try {
      const host = new URL(draft.link).hostname;
      if (host) return host;
    } catch {
      // not a URL: fall through
    }
  }
  if (draft.author) return `author:${draft.author}`;
  const slash = draft.source.indexOf('/');
  return slash === -1 ? 'dir:.' : `dir:${draft.source.slice(0, slash)}`;
}

export interface Learned {
  readonly byPublisher: ReadonlyMap<string, ReadonlySet<number>>;
  readonly lines: readonly LearnedLine[];
}

/**
 * Counts each short paragraph once per article (articles in a fixed order, so the example is
 * deterministic) and keeps, per publisher, those that pass both thresholds.
 */
export function learnBoilerplate(
  articles: ReadonlyArray<{
    readonly publisher: string;
    readonly source: string;
    readonly sketch?: Uint32Array;
  }>,
): Learned {
  const counts = new Map<
    string,
    { articles: number; keys: Map<number, { n: number; source: string; paragraph: number }> }
  >();
  for (const a of articles) {
    if (!a.sketch) continue;
    let entry = counts.get(a.publisher);
    if (!entry) counts.set(a.publisher, (entry = { articles: 0, keys: new Map() }));
    entry.articles++;
    const seen = new Set<number>();
    for (const key of shortParagraphKeys(a.sketch)) {
      if (seen.has(key)) continue;
      seen.add(key);
      const known = entry.keys.get(key);
      if (known) known.n++;
      else
        entry.keys.set(key, {
          n: 1,
          source: a.source,
          paragraph: paragraphKeys(a.sketch).indexOf(key) + 1,
        });
    }
  }
  const byPublisher = new Map<string, Set<number>>();
  const lines: LearnedLine[] = [];
  for (const [publisher, entry] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const needed = Math.max(MIN_ARTICLES, Math.ceil(entry.articles * MIN_SHARE));
    if (entry.articles < needed) continue;
    for (const [key, { n, source, paragraph }] of entry.keys) {
      if (n < needed) continue;
      let set = byPublisher.get(publisher);
      if (!set) byPublisher.set(publisher, (set = new Set()));
      set.add(key);
      lines.push({
        publisher,
        key: key.toString(16).padStart(8, '0'),
        articles: n,
        example: { source, paragraph },
      });
    }
  }
  return { byPublisher, lines };
}
