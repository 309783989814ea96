/**
 * Small seed files in the shapes crawlers write: Hexo and Jekyll front matter (dated, with
 * categories, tags and an author), plain text with a `|Title` first line, and an HTML page. The
 * last two carry no date: the catalog dates them by when their text was first seen.
 */
import { rng } from '../../tools/bench/corpus.js';

export type Shape = 'hexo' | 'jekyll' | 'plain' | 'html';

export const SHAPES: readonly Shape[] = ['hexo', 'jekyll', 'plain', 'html'];

export interface Seed {
  readonly shape: Shape;
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly categories: readonly string[];
  readonly tags: readonly string[];
  readonly author: string;
  /** Whole seconds (ms). Dated shapes write it; dateless ones are given it as their mtime's second. */
  readonly date: number;
}

export const isDateless = (shape: Shape) => shape === 'plain' || shape === 'html';

export const extensionOf = (shape: Shape) =>
  shape === 'plain' ? '.txt' : shape === 'html' ? '.html' : '.md';

const CATEGORIES = ['科技', '金融', '工业', '数字经济', '政策', '能源', 'Tech'];
const TAGS = ['新闻', '产业', '转型', '湖南', '浙江', 'AI'];
const AUTHORS = ['新浪财经', '中新网', '湖南日报', 'Reuters'];
/**
 * Names few files have, so that steps make groups appear and disappear. `TECH` slugs as `Tech`
 * does and comes first, so `Tech` (and every link to it) changes slug whenever `TECH` appears or
 * goes; `Ai` and `AI` likewise.
 */
const RARE = {
  categories: ['TECH', '新能源'],
  tags: ['Ai', '快讯'],
  authors: ['reuters', '记者 王五'],
};
/** How often a new file, and a file given other front matter, has one of them. */
const RARE_IN_NEW = 0.003;
const RARE_IN_REFRAMED = 0.4;

export type Random = ReturnType<typeof rng>;

function some<T>(random: Random, items: readonly T[], most: number): T[] {
  return [...new Set(Array.from({ length: random.int(1, most) }, () => random.pick(items)))];
}

function frontMatter(random: Random, rareChance: number) {
  const rare = (kind: keyof typeof RARE) =>
    random.next() < rareChance ? [random.pick(RARE[kind])] : [];
  return {
    categories: [...some(random, CATEGORIES, 2), ...rare('categories')],
    tags: [...some(random, TAGS, 2), ...rare('tags')],
    author: rare('authors')[0] ?? random.pick(AUTHORS),
  };
}

/** A few paragraphs of sentences from the samples: enough text for near-duplicate sketches. */
export function paragraphsFrom(random: Random, sentences: readonly string[]): string[] {
  return Array.from({ length: random.int(3, 5) }, () =>
    Array.from({ length: random.int(1, 2) }, () => random.pick(sentences)).join(''),
  );
}

export function newSeed(
  random: Random,
  sentences: readonly string[],
  shape: Shape,
  date: number,
  serial: number,
): Seed {
  return {
    shape,
    title: `${random.pick(sentences).slice(0, random.int(8, 20)).replace(/['"]/g, '')} ${serial}`,
    paragraphs: paragraphsFrom(random, sentences),
    ...frontMatter(random, RARE_IN_NEW),
    date,
  };
}

/** Other front matter: title, categories, tags and author change; the body does not. */
export function reframed(random: Random, seed: Seed, serial: number): Seed {
  return {
    ...seed,
    title: `${seed.title.replace(/ \d+$/, '')} ${serial}`,
    ...frontMatter(random, RARE_IN_REFRAMED),
  };
}

/** The same text with one paragraph rewritten: a near-duplicate of it (or an edit of it). */
export function rewordedParagraphs(
  random: Random,
  sentences: readonly string[],
  paragraphs: readonly string[],
): string[] {
  const out = [...paragraphs];
  const at = random.int(0, out.length - 1);
  out[at] = random.next() < 0.5 ? `${out[at]}${random.pick(sentences)}` : random.pick(sentences);
  return out;
}

const yamlQuoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

function jekyllDate(ms: number): string {
  const local = new Date(ms + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} +0800`;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function seedText(seed: Seed): string {
  const paragraphs = seed.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);
  switch (seed.shape) {
    case 'hexo':
      return [
        '---',
        `title: ${yamlQuoted(seed.title)}`,
        'categories:',
        ...seed.categories.map((c) => ` - ${c}`),
        'tags:',
        ...seed.tags.map((t) => ` - ${t}`),
        `author: ${seed.author}`,
        `date: ${new Date(seed.date).toUTCString()}`,
        '---',
        '',
        ...paragraphs,
        '',
      ].join('\n');
    case 'jekyll':
      return [
        '---',
        'layout: post',
        `title: ${yamlQuoted(seed.title)}`,
        `date: ${jekyllDate(seed.date)}`,
        `categories: ${seed.categories.join(' ')}`,
        `tags: ${seed.tags.join(' ')}`,
        `author: ${seed.author}`,
        '---',
        paragraphs.join('\n\n'),
        '',
      ].join('\n');
    case 'plain':
      return [`|${seed.title}`, ...seed.paragraphs, ''].join('\n');
    case 'html':
      return [
        '<!DOCTYPE html>',
        `<html><head><meta charset="utf-8"><title>${escapeHtml(seed.title)}</title></head>`,
        `<body><article>${paragraphs.join('\n')}</article></body></html>`,
        '',
      ].join('\n');
  }
}
