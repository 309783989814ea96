import { eachSummary } from '../catalog/summary-ref.js';
import type { Article } from '../model.js';

/** Most words in one query, and most results listed: a search costs one pass over the catalog. */
const MAX_TERMS = 10;
export const MAX_RESULTS = 100;
/** Longest `?q=` answered; the search box says so too (its maxlength). */
export const MAX_QUERY_LENGTH = 200;

/** The words of a query, lower-cased, at most MAX_TERMS; '' if there are none. */
export function normalizeQuery(q: string): string {
  return q
    .normalize('NFC')
    .toLowerCase()
    .split(/\s+/u)
    .filter(Boolean)
    .slice(0, MAX_TERMS)
    .join(' ');
}

/**
 * Articles (newest first) whose title or summary contains every word of the query, ignoring case:
 * plain substring tests, so no input can make a search slow beyond one pass over the catalog. The
 * summaries are read in the order they are kept (catalog/summary-ref.ts), the results kept in the
 * catalog's.
 */
export function searchArticles(
  articles: readonly Article[],
  normalized: string,
  max = MAX_RESULTS,
): { results: Article[]; total: number } {
  const terms = normalized.split(' ').filter(Boolean);
  const results: Article[] = [];
  let total = 0;
  if (terms.length === 0) return { results, total };
  const found = new Uint8Array(articles.length);
  eachSummary(articles, (i, summary) => {
    const title = articles[i]!.title.toLowerCase();
    const lower = summary.toLowerCase();
    if (terms.every((t) => title.includes(t) || lower.includes(t))) found[i] = 1;
  });
  for (let i = 0; i < articles.length; i++) {
    if (found[i] === 0) continue;
    total++;
    if (results.length < max) results.push(articles[i]!);
  }
  return { results, total };
}
