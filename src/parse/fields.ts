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
    if (Object.hasOwn(data, key) && data[key] !== null && data[key] !== undefined && data[key] !== '') return data[key];
  }
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number') return cleanLine(String(value)) || undefined;
  return undefined;
}

/**
 * The most categories (or tags) one article keeps. Every category is a page and three feeds that
 * list the article with all its categories, so the cost of one article grows with the square of
 * its count: 1,000 categories took 46 s to render, 5,000 would take minutes. Real posts have a few.
 */
export const MAX_NAMES = 50;

/**
 * A list of names: a YAML list (Hexo; nested lists are Hexo's category hierarchy and are
 * flattened) or a string (Jekyll: space-separated). Trimmed, NFC, empty ones and duplicates
 * dropped; `names` holds the first `max`, `total` counts them all.
 */
export function readNameList(value: unknown, max = MAX_NAMES): { names: string[]; total: number } {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (item: unknown, depth: number) => {
    if (Array.isArray(item)) {
      if (depth < 3) for (const inner of item) add(inner, depth + 1);
    } else if (typeof item === 'string' && depth === 0) {
      for (const word of item.split(/\s+/u)) push(word);
    } else if (typeof item === 'string' || typeof item === 'number') {
      push(String(item));
    }
  };
  const push = (name: string) => {
    const clean = cleanLine(name).slice(0, 200);
    if (!clean || seen.has(clean)) return;
    seen.add(clean);
    if (out.length < max) out.push(clean);
  };
  add(value, 0);
  return { names: out, total: seen.size };
}

function readAuthor(value: unknown): string | undefined {
  if (Array.isArray(value)) return readAuthor(value[0]);
  if (value && typeof value === 'object') return scalarText((value as Record<string, unknown>).name);
  return scalarText(value);
}

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
  for (const [what, list] of [['categories', categories], ['tags', tags]] as const) {
    if (list.total > list.names.length) notes.push(`${list.total} ${what}; only the first ${list.names.length} are used`);
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
