import type { Article } from '../model.js';

/**
 * Last-Modified comes from the seeds, never from when a process rendered something: the same after
 * a restart or a racy re-read, and on every replica that has the same files (their modification
 * times included: rsync -t, or one shared directory). An article last changed when its files did
 * or when it says it was updated; a list or feed when the newest of the articles it shows did.
 *
 * What this cannot see: a change that moves no article's time (one removed, a renamed category, new
 * settings) changes the bytes and the ETag but not the date, so a reader that sends only
 * If-Modified-Since gets the old document until the next article arrives (docs/http.md).
 */
export const changedAt = (article: Pick<Article, 'updated' | 'modified'>): number =>
  Math.max(article.updated, article.modified);

/** The newest change among `articles`, in whole seconds; the epoch for none. */
export function newestChange(articles: Iterable<Pick<Article, 'updated' | 'modified'>>): Date {
  let newest = 0;
  for (const article of articles) newest = Math.max(newest, changedAt(article));
  return new Date(Math.floor(newest / 1000) * 1000);
}
