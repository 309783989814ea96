import { summaryOf } from '../catalog/summary-ref.js';
import type { Article } from '../model.js';
import type { FeedQuery, Field, Pattern } from './filters.js';

/**
 * Items looked at between two yields of a scan, and indexed between two yields of a build: a
 * step of well under the gate's 4 ms slice even for a query of many patterns, so that a slice
 * ends near its budget (a step of 2,048 took 5–30 ms under load at 100,000 articles).
 */
const SCAN_SLICE = 512;
const BUILD_SLICE = 256;
/** Maps of id to position: one Map of 100,000 ids rehashes 65,536 entries in one insert. */
const POSITION_SHARDS = 64;
/** Articles per haystack string: a chunk is joined and searched whole, 4,096 articles at a time. */
const CHUNK_SHIFT = 12;
const CHUNK = 1 << CHUNK_SHIFT;
/** Between two articles' texts (and two categories of one article): no catalog text holds it. */
const SEPARATOR = '\u0000';

type TextField = Exclude<Field, 'text'>;

/**
 * One field of every article as a few long strings (a chunk of articles each, texts joined by
 * a separator) with each article's span in its chunk, as written and lower-cased: a literal is
 * found with one indexOf over a chunk instead of a test per article, and the heap holds a few
 * dozen strings per field instead of one lower-cased copy per article.
 */
class Haystack {
  readonly chunks: string[] = [];
  readonly start: Int32Array;
  readonly end: Int32Array;
  private parts: string[] = [];
  private length = 0;

  constructor(size: number) {
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
  }

  /** Article i's text (valid once its chunk is closed): a slice of the chunk, not a copy. */
  text(i: number): string {
    return this.chunks[i >> CHUNK_SHIFT]!.slice(this.start[i], this.end[i]);
  }

  add(i: number, text: string): void {
    this.start[i] = this.length;
    this.end[i] = this.length + text.length;
    this.length += text.length + 1;
    this.parts.push(text);
  }

  close(): void {
    if (this.parts.length === 0) return;
    this.chunks.push(this.parts.join(SEPARATOR));
    this.parts = [];
    this.length = 0;
  }
}

/** A field as written and lower-cased (each text lower-cased alone: lower-casing may change lengths). */
class FieldText {
  readonly plain: Haystack;
  readonly lower: Haystack;
  constructor(size: number) {
    this.plain = new Haystack(size);
    this.lower = new Haystack(size);
  }
  add(i: number, text: string): void {
    this.plain.add(i, text);
    this.lower.add(i, text.toLowerCase());
  }
  close(): void {
    this.plain.close();
    this.lower.close();
    // Most text (CJK) has no case: one string kept when lower-casing changed nothing.
    const last = this.plain.chunks.length - 1;
    if (last >= 0 && this.lower.chunks[last] === this.plain.chunks[last])
      this.lower.chunks[last] = this.plain.chunks[last]!;
  }
}

/**
 * The fields filters look at over every article of a catalog (a position per article): the texts
 * for regular expressions (a summary as a slice of its haystack: the catalog keeps summaries out
 * of the heap, catalog/summary-ref.ts), haystacks for substring tests, dates in a typed array.
 */
export class FilterIndex {
  private readonly position = Array.from(
    { length: POSITION_SHARDS },
    () => new Map<string, number>(),
  );
  readonly texts: Record<Exclude<TextField, 'description'>, Array<string | readonly string[]>> = {
    title: [],
    author: [],
    category: [],
  };
  readonly haystacks: Record<TextField, FieldText>;
  readonly times: Float64Array;
  readonly ids: string[] = [];

  private constructor(size: number) {
    this.times = new Float64Array(size);
    this.haystacks = {
      title: new FieldText(size),
      description: new FieldText(size),
      author: new FieldText(size),
      category: new FieldText(size),
    };
  }

  /**
   * The index of `articles`, built in slices of a few hundred articles: the first filter after a
   * scan does not stall the server.
   */
  static *build(articles: readonly Article[]): Generator<void, FilterIndex> {
    const index = new FilterIndex(articles.length);
    const fields = Object.values(index.haystacks);
    for (let i = 0; i < articles.length; i++) {
      if (i > 0 && i % BUILD_SLICE === 0) yield;
      index.add(i, articles[i]!);
      // Joining a chunk is a step of its own, one field at a time (a few ms each).
      if ((i + 1) % CHUNK === 0 || i + 1 === articles.length)
        for (const field of fields) {
          yield;
          field.close();
        }
    }
    return index;
  }

  private shard(id: string): Map<string, number> {
    // Ids are hex digits: the last three spread them over the shards (a short id goes to 0).
    const n = id.length;
    const hash = (id.charCodeAt(n - 1) * 31 + id.charCodeAt(n - 2)) * 31 + id.charCodeAt(n - 3);
    return this.position[hash & (POSITION_SHARDS - 1)]!;
  }

  private add(i: number, a: Article): void {
    this.shard(a.id).set(a.id, i);
    this.ids.push(a.id);
    const author = a.author ?? '';
    this.texts.title.push(a.title);
    this.texts.author.push(author);
    this.texts.category.push(a.categories);
    this.haystacks.title.add(i, a.title);
    this.haystacks.description.add(i, summaryOf(a));
    this.haystacks.author.add(i, author);
    this.haystacks.category.add(i, a.categories.join(SEPARATOR));
    this.times[i] = a.date;
  }

  /** The positions of these articles, in their order, yielding every few thousand. */
  *positions(ids: readonly string[]): Generator<void, Int32Array> {
    const out = new Int32Array(ids.length);
    for (let k = 0; k < ids.length; k++) {
      if (k > 0 && k % SCAN_SLICE === 0) yield;
      const id = ids[k]!;
      out[k] = this.shard(id).get(id)!;
    }
    return out;
  }
}

type Test = (i: number) => boolean;

/**
 * Whether any literal occurs in article i's span. Each literal remembers where it was found
 * next: positions arrive in increasing order (a group is in the catalog's order), so one chunk
 * is searched about once per literal, and a literal that occurs nowhere costs one indexOf per
 * chunk. Any order stays correct, only slower.
 */
function literalTest(hay: Haystack, literals: readonly string[]): Test {
  const { chunks, start, end } = hay;
  const n = literals.length;
  const seenChunk = new Int32Array(n).fill(-1);
  const seenFrom = new Int32Array(n);
  const seenAt = new Int32Array(n);
  return (i) => {
    const chunk = i >> CHUNK_SHIFT;
    const from = start[i]!;
    const to = end[i]!;
    for (let k = 0; k < n; k++) {
      let at = seenAt[k]!;
      if (seenChunk[k] !== chunk || seenFrom[k]! > from || (at !== -1 && at < from)) {
        at = chunks[chunk]!.indexOf(literals[k]!, from);
        seenChunk[k] = chunk;
        seenFrom[k] = from;
        seenAt[k] = at;
      }
      if (at !== -1 && at + literals[k]!.length <= to) return true;
    }
    return false;
  };
}

function fieldTest(index: FilterIndex, pattern: Pattern, ignoreCase: boolean): Test {
  const { literals, re, native } = pattern;
  const one = (field: TextField): Test => {
    // A literal with the separator in it could span two categories: tested per article below.
    if (literals && !literals.some((l) => l.includes(SEPARATOR))) {
      // Literals were lower-cased with the query; the regular expression folds case itself.
      const text = index.haystacks[field];
      return literalTest(ignoreCase ? text.lower : text.plain, literals);
    }
    const has = literals
      ? (text: string) => literals.some((l) => (ignoreCase ? text.toLowerCase() : text).includes(l))
      : native
        ? (text: string) => native.test(text)
        : (text: string) => re.test(text);
    if (field === 'category') {
      const categories = index.texts.category as Array<readonly string[]>;
      return (i) => categories[i]!.some(has);
    }
    if (field === 'description') {
      const description = index.haystacks.description.plain;
      return (i) => has(description.text(i));
    }
    const texts = index.texts[field] as string[];
    // An article without an author matches no author pattern ('' stands for none).
    return field === 'author' ? (i) => texts[i] !== '' && has(texts[i]!) : (i) => has(texts[i]!);
  };
  if (pattern.field === 'text') {
    const title = one('title');
    const description = one('description');
    return (i) => title(i) || description(i);
  }
  return one(pattern.field);
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
