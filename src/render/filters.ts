import { RE2JS } from 're2js';
import type { Article } from '../model.js';
import { isOpenccVariant, type OpenccVariant } from './opencc.js';

/**
 * RSSHub-style query parameters on feed URLs (https://docs.rsshub.app/guide/parameters):
 * `filter`, `filterout` (title and summary), `filter_title`, `filter_description`,
 * `filter_author`, `filter_category` and their `filterout_…` twins, `filter_time` (seconds),
 * `filter_case_sensitive` (default true, as in RSSHub), `limit`, and `opencc`.
 *
 * Every pattern is a regular expression run by RE2 (re2js): matching takes time linear in the
 * text, so no pattern can hang the server. A plain word is a regular expression that matches
 * itself; RSSHub's `a|b` works. A pattern RE2 cannot compile (backreferences, lookarounds) is an
 * error for a 400.
 */

type Field = 'text' | 'title' | 'description' | 'author' | 'category';
const FIELDS: Record<string, Field> = {
  '': 'text',
  _title: 'title',
  _description: 'description',
  _author: 'author',
  _category: 'category',
};
const MAX_PATTERN_LENGTH = 1000;

export interface FeedQuery {
  /** Most items; undefined = the feed's own limit. */
  readonly limit?: number;
  readonly include: ReadonlyArray<{ readonly field: Field; readonly pattern: RE2JS }>;
  readonly exclude: ReadonlyArray<{ readonly field: Field; readonly pattern: RE2JS }>;
  /** Only items published within this many seconds before now. */
  readonly maxAgeSeconds?: number;
  readonly opencc?: OpenccVariant;
  /** The parameters that matter, in a fixed order: a cache key for the rendered result. */
  readonly key: string;
  /** Anything but `limit`/`opencc`: the items must be selected per request. */
  readonly filters: boolean;
}

export type ParsedQuery = { readonly query: FeedQuery } | { readonly error: string };

const KNOWN =
  /^(limit|opencc|filter_time|filter_case_sensitive|(filter|filterout)(_title|_description|_author|_category)?)$/;

/**
 * The `?limit=` of a feed request: undefined when there is none, else a whole number from 1 to
 * `max` written in plain digits, given once. Anything else (`-1`, `0`, `1e3`, `NaN`, `10^12`, a
 * value over `max`, an empty value, the parameter twice) is 'invalid': a 400, never a guess.
 */
function feedLimit(search: string, max: number): number | undefined | 'invalid' {
  if (!search.includes('limit')) return undefined;
  const values = new URLSearchParams(search).getAll('limit');
  if (values.length === 0) return undefined;
  if (values.length > 1 || !/^\d{1,6}$/.test(values[0]!)) return 'invalid';
  const limit = Number(values[0]);
  return limit >= 1 && limit <= max ? limit : 'invalid';
}

export function parseFeedQuery(search: string, maxLimit: number): ParsedQuery {
  const params = new URLSearchParams(search);
  const values = new Map<string, string>();
  for (const [name, value] of params) {
    if (!KNOWN.test(name)) continue; // tracking parameters and the like change nothing
    if (values.has(name)) return { error: `the parameter ${name} is given twice.` };
    values.set(name, value);
  }
  const limit = feedLimit(search, maxLimit);
  if (limit === 'invalid') return { error: `limit must be a whole number from 1 to ${maxLimit}.` };
  const caseText = values.get('filter_case_sensitive') ?? 'true';
  if (caseText !== 'true' && caseText !== 'false')
    return { error: 'filter_case_sensitive must be true or false.' };
  const flags = caseText === 'false' ? RE2JS.CASE_INSENSITIVE : 0;

  let maxAgeSeconds: number | undefined;
  const timeText = values.get('filter_time');
  if (timeText !== undefined) {
    if (!/^\d{1,10}$/.test(timeText))
      return { error: 'filter_time must be a whole number of seconds.' };
    maxAgeSeconds = Number(timeText);
  }
  const openccText = values.get('opencc');
  if (openccText !== undefined && !isOpenccVariant(openccText))
    return { error: 'opencc must be one of s2t, t2s, s2tw, s2hk, tw2s, hk2s.' };

  const include: Array<{ field: Field; pattern: RE2JS }> = [];
  const exclude: Array<{ field: Field; pattern: RE2JS }> = [];
  for (const [name, value] of [...values].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const m = /^(filter|filterout)(_title|_description|_author|_category)?$/.exec(name);
    if (!m) continue;
    if (value.length > MAX_PATTERN_LENGTH)
      return { error: `${name} is longer than ${MAX_PATTERN_LENGTH} characters.` };
    let pattern: RE2JS;
    try {
      pattern = RE2JS.compile(value, flags);
    } catch (error) {
      return {
        error: `${name} is not a regular expression RE2 accepts (${(error as Error).message}); lookarounds and backreferences are not supported.`,
      };
    }
    (m[1] === 'filter' ? include : exclude).push({ field: FIELDS[m[2] ?? '']!, pattern });
  }
  const key = [...values]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const filters = include.length > 0 || exclude.length > 0 || maxAgeSeconds !== undefined;
  return {
    query: {
      limit,
      include,
      exclude,
      maxAgeSeconds,
      opencc: openccText as OpenccVariant | undefined,
      key,
      filters,
    },
  };
}

function fieldMatches(article: Article, field: Field, pattern: RE2JS): boolean {
  const test = (text: string | undefined) => text !== undefined && pattern.matcher(text).find();
  switch (field) {
    case 'text':
      return test(article.title) || test(article.summary);
    case 'title':
      return test(article.title);
    case 'description':
      return test(article.summary);
    case 'author':
      return test(article.author);
    case 'category':
      return article.categories.some((c) => test(c));
  }
}

/** Whether an article passes the query's filters: every `filter…` matches, no `filterout…` does. */
export function passes(query: FeedQuery, article: Article, now: number): boolean {
  if (
    query.maxAgeSeconds !== undefined &&
    article.date.getTime() < now - query.maxAgeSeconds * 1000
  )
    return false;
  for (const { field, pattern } of query.include)
    if (!fieldMatches(article, field, pattern)) return false;
  for (const { field, pattern } of query.exclude)
    if (fieldMatches(article, field, pattern)) return false;
  return true;
}
