import type { Article } from '../model.js';
import type { FeedQuery, Field, Pattern } from './filters.js';

/** Items looked at between two yields of a scan, and indexed between two yields of a build: a few milliseconds each. */
const SCAN_SLICE = 2048;
const BUILD_SLICE = 256;

const lower = (text: string) => {
  const low = text.toLowerCase();
  return low === text ? text : low; // one string kept when lower-casing changes nothing
};

/**
 * The fields filters look at, one compact array per field over every article of a catalog (a
 * position per article), as written and lower-cased: a filter over 100,000 articles tests
 * strings in arrays instead of walking article objects and lower-casing per request.
 */
export class FilterIndex {
  private readonly position = new Map<string, number>();
  readonly titles: string[] = [];
  readonly summaries: string[] = [];
  readonly authors: string[] = [];
  readonly categories: Array<readonly string[]> = [];
  readonly lowerTitles: string[] = [];
  readonly lowerSummaries: string[] = [];
  readonly lowerAuthors: string[] = [];
  readonly lowerCategories: Array<readonly string[]> = [];
  readonly times: Float64Array;
  readonly ids: string[] = [];

  private constructor(size: number) {
    this.times = new Float64Array(size);
  }

  /**
   * The index of `articles`, built in slices (100,000 articles take a few hundred milliseconds,
   * more on a loaded machine): the first filter after a scan does not stall the server.
   */
  static *build(articles: readonly Article[]): Generator<void, FilterIndex> {
    const index = new FilterIndex(articles.length);
    for (let i = 0; i < articles.length; i++) {
      if (i > 0 && i % BUILD_SLICE === 0) yield;
      index.add(i, articles[i]!);
    }
    return index;
  }

  private add(i: number, a: Article): void {
    this.position.set(a.id, i);
    this.ids.push(a.id);
    this.titles.push(a.title);
    this.summaries.push(a.summary);
    this.authors.push(a.author ?? '');
    this.categories.push(a.categories);
    this.lowerTitles.push(lower(a.title));
    this.lowerSummaries.push(lower(a.summary));
    this.lowerAuthors.push(lower(a.author ?? ''));
    this.lowerCategories.push(a.categories.map(lower));
    this.times[i] = a.date.getTime();
  }

  /** The positions of these articles, in their order. */
  positions(ids: readonly string[]): Int32Array {
    const out = new Int32Array(ids.length);
    ids.forEach((id, i) => (out[i] = this.position.get(id)!));
    return out;
  }
}

type Test = (i: number) => boolean;

function fieldTest(index: FilterIndex, pattern: Pattern, ignoreCase: boolean): Test {
  const { literals, re, native } = pattern;
  const has = literals
    ? (text: string) => literals.some((l) => text.includes(l))
    : native
      ? (text: string) => native.test(text)
      : (text: string) => re.test(text);
  // Literals were lower-cased with the query; the regular expression folds case itself.
  const plain = !literals || !ignoreCase;
  const pick = (field: Exclude<Field, 'text'>) => {
    switch (field) {
      case 'title':
        return plain ? index.titles : index.lowerTitles;
      case 'description':
        return plain ? index.summaries : index.lowerSummaries;
      case 'author':
        return plain ? index.authors : index.lowerAuthors;
      case 'category':
        return plain ? index.categories : index.lowerCategories;
    }
  };
  if (pattern.field === 'text') {
    const titles = pick('title') as string[];
    const summaries = pick('description') as string[];
    return (i) => has(titles[i]!) || has(summaries[i]!);
  }
  if (pattern.field === 'category') {
    const categories = pick('category') as Array<readonly string[]>;
    return (i) => categories[i]!.some(has);
  }
  const texts = pick(pattern.field) as string[];
  // An article without an author matches no author pattern, as before ('' stands for none).
  return pattern.field === 'author'
    ? (i) => texts[i] !== '' && has(texts[i]!)
    : (i) => has(texts[i]!);
}

/** The query's filters as one test of a position: substring tests first, then V8, then RE2. */
function compileQuery(index: FilterIndex, query: FeedQuery, now: number): Test {
  const cost = (p: Pattern) => (p.literals ? 0 : p.native ? 1 : 2);
  const cheapFirst = (patterns: readonly Pattern[]) =>
    [...patterns].sort((a, b) => cost(a) - cost(b));
  const include = cheapFirst(query.include).map((p) => fieldTest(index, p, query.ignoreCase));
  const exclude = cheapFirst(query.exclude).map((p) => fieldTest(index, p, query.ignoreCase));
  const since = query.maxAgeSeconds === undefined ? -Infinity : now - query.maxAgeSeconds * 1000;
  const { times } = index;
  return (i) => {
    if (times[i]! < since) return false;
    for (const test of include) if (!test(i)) return false;
    for (const test of exclude) if (test(i)) return false;
    return true;
  };
}

/**
 * The ids (newest first) among `positions` that pass the query's filters, at most `want`: a
 * generator that yields every few thousand articles, so that a caller can let other work run
 * between slices (the server does; `selectNow` runs it through).
 */
export function* selectIds(
  index: FilterIndex,
  positions: Int32Array,
  query: FeedQuery,
  now: number,
  want: number,
): Generator<void, string[]> {
  const test = compileQuery(index, query, now);
  const ids: string[] = [];
  for (let start = 0; start < positions.length && ids.length < want; start += SCAN_SLICE) {
    if (start > 0) yield;
    const end = Math.min(positions.length, start + SCAN_SLICE);
    for (let k = start; k < end && ids.length < want; k++) {
      const i = positions[k]!;
      if (test(i)) ids.push(index.ids[i]!);
    }
  }
  return ids;
}

export function selectNow(scan: Generator<void, string[]>): string[] {
  for (;;) {
    const step = scan.next();
    if (step.done) return step.value;
  }
}
