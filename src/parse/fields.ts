import { absoluteUrl, cleanLine } from './text.js';
import { parseDateValue, type DateResult } from './dates.js';

/** Front-matter keys read by seedfeed, in order of preference. Hexo and Jekyll names both appear. */
const KEYS = {
  title: ['title'],
  date: ['date', 'published', 'pubDate', 'created'],
  updated: ['updated', 'lastmod', 'modified', 'last_modified_at'],
  author: ['author', 'authors', 'creator'],
  categories: ['categories', 'category'],
  tags: ['tags', 'tag', 'keywords'],
  link: ['link', 'url', 'source', 'original', 'permalink'],
  image: ['headimg', 'thumbnail', 'image', 'cover', 'banner'],
} as const;

type Data = Readonly<Record<string, unknown>>;

function pick(data: Data, keys: readonly string[]): unknown {
  for (const key of keys) {
    if (
      Object.hasOwn(data, key) &&
      data[key] !== null &&
      data[key] !== undefined &&
      data[key] !== ''
    )
      return data[key];
  }
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number')
    return cleanLine(String(value)) || undefined;
  return undefined;
}

/**
 * The most categories (or tags) one article keeps. Every category is a page and three feeds that
 * list the article with all its categories, so the cost of one article grows with the square of
 * its count: 1,000 categories took 46 s to render, 5,000 would take minutes. Real posts have a few.
 */
export const MAX_NAMES = 50;

/**
 * The most entries of one list field that are read. YAML aliases are references: 5.6 KB of front
 * matter (`a: &a [400 names]`, `b: &b [*a × 400]`, `categories: [*b × 400]`) is a list of 64 million
 * names that costs nothing to load and 11 s to walk. Entries are therefore counted first, each
 * aliased list once (aliases.ts), and no more than this many are read.
 */
export const MAX_NAME_ENTRIES = 10_000;

export interface NameList {
  /** The first `max` distinct names among the entries read. */
  readonly names: string[];
  /** Distinct names among the entries read. */
  readonly total: number;
  /** How many entries the field holds (aliases expanded), when that is more than were read. */
  readonly entries?: number;
}

/**
 * A list of names: a YAML list (Hexo; nested lists are Hexo's category hierarchy and are
 * flattened) or a string (Jekyll: space-separated). Trimmed, NFC, empty ones and duplicates
 * dropped; `names` holds the first `max`, `total` counts them all — of the first `maxEntries`
 * entries, when the field holds more (then `entries` says how many).
 */
export function readNameList(
  value: unknown,
  max = MAX_NAMES,
  maxEntries = MAX_NAME_ENTRIES,
): NameList {
  const tree = new NameTree();
  const entries = tree.count(value, 0);
  const out: string[] = [];
  const seen = new Set<string>();
  let read = 0;
  const push = (name: string) => {
    read++;
    const clean = cleanLine(name).slice(0, 200);
    if (!clean || seen.has(clean)) return;
    seen.add(clean);
    if (out.length < max) out.push(clean);
  };
  // In document order, stepping only into lists that hold entries, until enough are read.
  const add = (item: unknown, depth: number) => {
    if (read >= maxEntries) return;
    if (Array.isArray(item)) {
      for (const inner of tree.contributing(item, depth)) {
        add(inner, depth + 1);
        if (read >= maxEntries) return;
      }
    } else if (typeof item === 'string' && depth === 0) {
      for (const word of item.split(WHITESPACE, maxEntries - read)) push(word);
    } else if (typeof item === 'string' || typeof item === 'number') {
      push(String(item));
    }
  };
  add(value, 0);
  return entries > read
    ? { names: out, total: seen.size, entries }
    : { names: out, total: seen.size };
}

const WHITESPACE = /\s+/u;
/** Lists nested deeper than this are not names (nor read). */
const MAX_LIST_DEPTH = 3;

/**
 * Entry counts of the lists in a YAML value, each list counted once per depth however many
 * aliases point at it: linear in the size of the YAML, whatever it expands to. A list that holds
 * itself (`&a [*a]`) ends at MAX_LIST_DEPTH like any other.
 */
class NameTree {
  private readonly memo = new Map<
    readonly unknown[],
    Array<{ count: number; contributing: readonly unknown[] } | undefined>
  >();

  count(item: unknown, depth: number): number {
    if (Array.isArray(item)) return depth < MAX_LIST_DEPTH ? this.node(item, depth).count : 0;
    if (typeof item === 'string' && depth === 0) return countWords(item);
    return typeof item === 'string' || typeof item === 'number' ? 1 : 0;
  }

  /** The items of a list (at `depth`) that hold at least one entry: the walk steps into no others. */
  contributing(list: readonly unknown[], depth: number): readonly unknown[] {
    return depth < MAX_LIST_DEPTH ? this.node(list, depth).contributing : [];
  }

  private node(list: readonly unknown[], depth: number) {
    let byDepth = this.memo.get(list);
    if (!byDepth) this.memo.set(list, (byDepth = []));
    let node = byDepth[depth];
    if (!node) {
      let count = 0;
      const contributing: unknown[] = [];
      for (const inner of list) {
        const n = this.count(inner, depth + 1);
        if (n === 0) continue;
        count += n;
        contributing.push(inner);
      }
      node = byDepth[depth] = { count, contributing };
    }
    return node;
  }
}

/** What `text.split(/\s+/u)` would return the length of, without making the array. */
function countWords(text: string): number {
  let count = 1;
  const separators = new RegExp(WHITESPACE.source, 'gu');
  while (separators.exec(text)) count++;
  return count;
}

/** The first author of a list (of lists): a list that holds itself (`&a [*a]`) has none. */
function readAuthor(value: unknown): string | undefined {
  const visited = new Set<unknown>();
  while (Array.isArray(value) && !visited.has(value)) {
    visited.add(value);
    value = value[0];
  }
  if (Array.isArray(value)) return undefined;
  if (value && typeof value === 'object')
    return scalarText((value as Record<string, unknown>).name);
  return scalarText(value);
}

const count = (n: number) => n.toLocaleString('en-US');

export interface FrontMatterFields {
  readonly title?: string;
  readonly date: DateResult;
  readonly updated: DateResult;
  readonly author?: string;
  readonly categories: string[];
  readonly tags: string[];
  readonly link?: string;
  readonly image?: string;
  /** What the user should hear about: lists cut to MAX_NAMES. */
  readonly notes: string[];
}

export function readFields(data: Data): FrontMatterFields {
  const categories = readNameList(pick(data, KEYS.categories));
  const tags = readNameList(pick(data, KEYS.tags));
  const notes: string[] = [];
  for (const [what, list] of [
    ['categories', categories],
    ['tags', tags],
  ] as const) {
    if (list.entries !== undefined) {
      notes.push(
        `${what}: ${count(list.entries)} names once YAML aliases are expanded, more than the ${count(MAX_NAME_ENTRIES)} read; the first ${list.names.length} names are used`,
      );
    } else if (list.total > list.names.length) {
      notes.push(`${list.total} ${what}; only the first ${list.names.length} are used`);
    }
  }
  const linkValue = KEYS.link.map((k) => absoluteUrl(data[k])).find(Boolean);
  const imageValue = KEYS.image.map((k) => absoluteUrl(data[k])).find(Boolean);
  return {
    title: scalarText(pick(data, KEYS.title))?.slice(0, 500),
    date: parseDateValue(pick(data, KEYS.date)),
    updated: parseDateValue(pick(data, KEYS.updated)),
    author: readAuthor(pick(data, KEYS.author))?.slice(0, 200),
    categories: categories.names,
    tags: tags.names,
    link: linkValue,
    image: imageValue,
    notes,
  };
}
