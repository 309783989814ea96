import { RE2JS } from 're2js';
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

export type Field = 'text' | 'title' | 'description' | 'author' | 'category';
const FIELDS: Record<string, Field> = {
  '': 'text',
  _title: 'title',
  _description: 'description',
  _author: 'author',
  _category: 'category',
};
const MAX_PATTERN_LENGTH = 1000;

/**
 * One compiled pattern; `literals` when it is plain words joined by `|` (lower-cased if ignoring
 * case), `native` when V8's engine can run it as RE2 would in linear time (see nativeRegExp).
 */
export interface Pattern {
  readonly field: Field;
  readonly re: RE2JS;
  readonly literals?: readonly string[];
  readonly native?: RegExp;
}

export interface FeedQuery {
  /** Most items; undefined = the feed's own limit. */
  readonly limit?: number;
  readonly include: readonly Pattern[];
  readonly exclude: readonly Pattern[];
  readonly ignoreCase: boolean;
  /** Only items published within this many seconds before now. */
  readonly maxAgeSeconds?: number;
  readonly opencc?: OpenccVariant;
  /** The parameters that matter, sorted, defaults left out: equal keys, equal answers. */
  readonly key: string;
  /** The same for the filters alone (no `limit`, no `opencc`): a cache key for the selection. */
  readonly filterKey: string;
  /** Anything but `limit`/`opencc`: the items must be selected per request. */
  readonly filters: boolean;
}

export type ParsedQuery = { readonly query: FeedQuery } | { readonly error: string };

const KNOWN =
  /^(limit|opencc|filter_time|filter_case_sensitive|(filter|filterout)(_title|_description|_author|_category)?)$/;
/** Plain words joined by `|`: matched by substring tests instead of the regular expression. */
const LITERALS = /^[^\\^$.|?*+()[\]{}]+(\|[^\\^$.|?*+()[\]{}]+)*$/;

/**
 * A pattern RE2 accepted, as a V8 RegExp when that is safe and means the same: no repetition
 * (`*`, `+`, `?`, `{`), so a backtracking engine tries each alternative once per position, and
 * none of the syntax the two read differently (`(?` flags and names, `[:alpha:]`, `\s`, `\Q`,
 * `\p`, `\A`, `\z`); what V8 rejects stays with RE2. re2js took 14-70x the time of V8 on such patterns (a category `.|c1`, an alternation over summaries).
 */
function nativeRegExp(value: string, ignoreCase: boolean): RegExp | undefined {
  if (/[*+?{]|\(\?|\[:|\\[sSQEpPAzCx0-9]/.test(value)) return undefined;
  try {
    return new RegExp(value, ignoreCase ? 'iu' : 'u');
  } catch {
    return undefined;
  }
}

/** Compiled patterns by flags and text, most recent last: a repeated pattern is compiled once. */
const compiled = new Map<string, RE2JS | string>();
const COMPILED_MAX = 1000;

function compile(value: string, flags: number): RE2JS | string {
  const key = `${flags}:${value}`;
  let hit = compiled.get(key);
  if (hit === undefined) {
    try {
      hit = RE2JS.compile(value, flags);
    } catch (error) {
      hit = (error as Error).message;
    }
    if (compiled.size >= COMPILED_MAX) compiled.delete(compiled.keys().next().value!);
  } else compiled.delete(key);
  compiled.set(key, hit);
  return hit;
}

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

const keyOf = (entries: ReadonlyArray<readonly [string, string]>) =>
  entries.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

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
  const ignoreCase = caseText === 'false';
  const flags = ignoreCase ? RE2JS.CASE_INSENSITIVE : 0;

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

  const include: Pattern[] = [];
  const exclude: Pattern[] = [];
  const sorted = [...values].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [name, value] of sorted) {
    const m = /^(filter|filterout)(_title|_description|_author|_category)?$/.exec(name);
    if (!m) continue;
    if (value.length > MAX_PATTERN_LENGTH)
      return { error: `${name} is longer than ${MAX_PATTERN_LENGTH} characters.` };
    const re = compile(value, flags);
    if (typeof re === 'string')
      return {
        error: `${name} is not a regular expression RE2 accepts (${re}); lookarounds and backreferences are not supported.`,
      };
    const literals = LITERALS.test(value)
      ? (ignoreCase ? value.toLowerCase() : value).split('|')
      : undefined;
    const native = literals ? undefined : nativeRegExp(value, ignoreCase);
    (m[1] === 'filter' ? include : exclude).push({
      field: FIELDS[m[2] ?? '']!,
      re,
      literals,
      native,
    });
  }
  const filters = include.length > 0 || exclude.length > 0 || maxAgeSeconds !== undefined;
  // Defaults say nothing: case sensitivity without patterns, `limit` at the feed's own limit.
  const meaningful = sorted.filter(
    ([k, v]) =>
      !(k === 'filter_case_sensitive' && (v === 'true' || include.length + exclude.length === 0)) &&
      !(k === 'limit' && limit === maxLimit),
  );
  return {
    query: {
      limit: limit === maxLimit ? undefined : limit,
      include,
      exclude,
      ignoreCase,
      maxAgeSeconds,
      opencc: openccText as OpenccVariant | undefined,
      key: keyOf(meaningful),
      filterKey: keyOf(meaningful.filter(([k]) => k !== 'limit' && k !== 'opencc')),
      filters,
    },
  };
}
