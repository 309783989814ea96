import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A synthetic seeds directory for benchmarks: the three input shapes of the samples (Hexo and
 * Jekyll front matter, `|Title` plain text), Chinese text recombined from the sample articles,
 * 2–15 KB per file, and about 10% duplicates of the kinds crawlers produce: a copied file, the
 * same body under other front matter, other whitespace, or the other front-matter style.
 */

export interface CorpusOptions {
  readonly dir: string;
  readonly files: number;
  readonly samplesDir: string;
  readonly seed?: number;
  readonly duplicateRate?: number;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

const CATEGORIES = [
  '新媒体',
  '趣头条',
  '金融',
  '新浪财经',
  '新闻',
  '科技',
  '工业',
  '数字经济',
  '制造业',
  '湖南',
  '浙江',
  '山东',
  '高科技行业门户',
  '财经',
  '国内',
  '产业',
  '互联网',
  '政策',
  '智能制造',
  '能源',
  '汽车',
  '消费',
  '教育',
  '健康',
];
const AUTHORS = [
  '趣头条',
  '新浪财经',
  '高科技行业门户',
  '中国工业报',
  '湖南日报',
  '潇湘晨报',
  '中新网',
];
const IMAGES = [
  'https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/2022/02/13/197e2a4dbb4e3cfb0017191de88df981.jpeg',
  'https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png',
  'https://cors.zfour.workers.dev/?http://images.ofweek.com/Upload/News/2022-08/12/jihui/1660293461565005263.jpg',
];

/** The sentences of the sample articles: the phrase pool every synthetic article is built from. */
export async function sentencesFrom(samplesDir: string): Promise<string[]> {
  const out = new Set<string>();
  for (const name of await readdir(samplesDir)) {
    const text = (await readFile(path.join(samplesDir, name), 'utf8'))
      .replace(/^[\s\S]*?\n---\n/, '')
      .replace(/<[^>]+>/g, '\n')
      .replace(/&#?\w+;/g, '');
    for (const piece of text.split(/(?<=[。！？])|\n/)) {
      const s = piece.replace(/\s+/g, '').trim();
      if (s.length >= 12 && /\p{Script=Han}/u.test(s) && !/[{}|#]/.test(s)) out.add(s);
    }
  }
  return [...out];
}

export type Shape = 'hexo' | 'jekyll' | 'plain';

export interface Article {
  title: string;
  date: Date;
  offsetMinutes: number;
  categories: string[];
  author: string;
  image: string;
  paragraphs: string[];
}

function hexo(a: Article, spacing: string): string {
  return [
    '',
    '---',
    `title: '${a.title}'`,
    'categories: ',
    ...a.categories.map((c) => ` - ${c}`),
    `headimg: '${a.image}'`,
    `author: ${a.author}`,
    'comments: false',
    `date: ${a.date.toUTCString()}`,
    `thumbnail: '${a.image}'`,
    '---',
    '',
    '<div>   ',
    `<p><img src="${a.image}" referrerpolicy="no-referrer"></p>` +
      a.paragraphs.map((p) => `<p>${p}</p>`).join(spacing),
    '</div>',
    '',
  ].join('\n');
}

function jekyllDate(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function jekyll(a: Article, spacing: string): string {
  return [
    '---',
    'layout: post',
    `title: "${a.title}"`,
    `date: ${jekyllDate(a.date, a.offsetMinutes)}`,
    `categories: ${a.categories.join(' ')}`,
    `tags: ${a.author}新闻`,
    '---',
    a.paragraphs.map((p) => `<p>${p}</p>`).join(`\n${spacing}`),
    '',
    `<http://finews.example.com/html_News/NewsShare.html?infoCode=${a.date.getTime()}>`,
    '',
    '[返回首页](//finews.example.com/)',
  ].join('\n');
}

function plain(a: Article): string {
  return [`|${a.title}`, ...a.paragraphs, '推荐阅读', `- |${a.title.slice(0, 8)}相关报道`].join(
    '\n',
  );
}

export const render = (shape: Shape, a: Article, spacing = '') =>
  shape === 'hexo' ? hexo(a, spacing) : shape === 'jekyll' ? jekyll(a, spacing) : plain(a);

/** Writes the corpus; returns how many files are duplicates of another. */
export async function generateCorpus(
  options: CorpusOptions,
): Promise<{ files: number; duplicates: number; bytes: number }> {
  const random = rng(options.seed ?? 42);
  const sentences = await sentencesFrom(options.samplesDir);
  const duplicateRate = options.duplicateRate ?? 0.1;
  const made: Array<{ article: Article; shape: Shape; text: string }> = [];
  let duplicates = 0;
  let bytes = 0;
  const perDir = 1000;
  for (let i = 0; i < options.files; i++) {
    let shape: Shape;
    let text: string;
    if (made.length > 10 && random.next() < duplicateRate) {
      duplicates++;
      const original = random.pick(made);
      const kind = random.int(0, 3);
      const article = { ...original.article };
      if (kind === 0) {
        text = original.text; // a copied file
        shape = original.shape;
      } else if (kind === 1) {
        // other front matter: another title, categories, date
        shape = original.shape === 'plain' ? 'hexo' : original.shape;
        article.categories = [random.pick(CATEGORIES), random.pick(CATEGORIES)];
        article.date = new Date(article.date.getTime() + random.int(1, 48) * 3_600_000);
        text = render(shape, article);
      } else if (kind === 2) {
        shape = original.shape === 'plain' ? 'hexo' : original.shape;
        text = render(shape, article, '\n   \n'); // other whitespace
      } else {
        shape = original.shape === 'hexo' ? 'jekyll' : 'hexo'; // the other front-matter style
        text = render(shape, article);
      }
    } else {
      const target = random.int(2 * 1024, 15 * 1024);
      const paragraphs: string[] = [];
      let size = 600;
      while (size < target) {
        const p = Array.from({ length: random.int(1, 4) }, () => random.pick(sentences)).join('');
        paragraphs.push(p);
        size += Buffer.byteLength(p) + 8;
      }
      const article: Article = {
        title: `${random.pick(sentences).slice(0, random.int(10, 28)).replace(/['"]/g, '')} ${i}`,
        date: new Date(Date.UTC(2019, 0, 1) + random.int(0, 5 * 365 * 24 * 60) * 60_000),
        offsetMinutes: random.pick([480, 480, 0, -300, 540, 330]),
        categories: Array.from(
          new Set(Array.from({ length: random.int(1, 3) }, () => random.pick(CATEGORIES))),
        ),
        author: random.pick(AUTHORS),
        image: random.pick(IMAGES),
        paragraphs,
      };
      shape = random.pick(['hexo', 'hexo', 'jekyll', 'plain'] as const);
      text = render(shape, article);
      made.push({ article, shape, text });
    }
    const dir = path.join(options.dir, `batch-${String(Math.floor(i / perDir)).padStart(4, '0')}`);
    if (i % perDir === 0) await mkdir(dir, { recursive: true });
    const file = path.join(
      dir,
      `${String(i).padStart(7, '0')}.${shape === 'plain' ? 'txt' : 'md'}`,
    );
    await writeFile(file, text);
    bytes += Buffer.byteLength(text);
  }
  return { files: options.files, duplicates, bytes };
}
