import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rm, mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { render, rng, type Article } from './corpus.js';

/**
 * The freshness benchmark's seeds directory: a hard-linked copy of a cached corpus (instant, and
 * the cache is never written through it: new files are new inodes, deleting a link leaves the
 * cache's file, and the files that get edited in place are this module's own), plus the files
 * the run will edit and delete, written up front and dated a day back, so the first scan sees
 * them as settled old articles.
 */

export interface Target {
  readonly file: string;
  readonly title: string;
  /** Its article's date, which an edit keeps. */
  readonly date: Date;
}

export interface FreshTree {
  readonly seeds: string;
  readonly out: string;
  readonly data: string;
  /** The corpus's directories, where new files go. */
  readonly dirs: readonly string[];
  readonly editTargets: readonly Target[];
  readonly deleteTargets: readonly Target[];
  /** Unique to this run, in every title it writes: a title matches nothing else in the corpus. */
  readonly token: string;
}

/** Text for one seed file: a Hexo article with fresh paragraphs of the corpus's sentences. */
export function seedText(
  title: string,
  date: Date,
  sentences: readonly string[],
  seed: number,
): string {
  const random = rng(seed);
  const article: Article = {
    title,
    date,
    offsetMinutes: 480,
    categories: ['科技', '财经'],
    author: '中新网',
    image: 'https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png',
    paragraphs: Array.from({ length: 6 }, () =>
      Array.from({ length: 3 }, () => random.pick(sentences)).join(''),
    ),
  };
  return render('hexo', article);
}

export async function prepareTree(
  corpus: string,
  dir: string,
  count: number,
  sentences: readonly string[],
): Promise<FreshTree> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const seeds = path.join(dir, 'seeds');
  const copy = spawnSync('cp', ['-al', corpus, seeds], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`cp -al ${corpus} ${seeds}: ${copy.stderr}`);
  const dirs = (await readdir(seeds))
    .filter((name) => name.startsWith('batch-'))
    .sort()
    .map((name) => path.join(seeds, name));
  const token = randomBytes(4).toString('hex');
  const dayAgo = new Date(Date.now() - 86_400_000);
  const target = async (kind: string, i: number): Promise<Target> => {
    const title = `fresh-${kind}-${i}-${token}`;
    const file = path.join(dirs[(i * 7 + kind.length) % dirs.length]!, `fresh-${kind}-${i}.md`);
    const date = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000);
    // Never through a hard link into the cached corpus: a file of that name there is replaced.
    await rm(file, { force: true });
    await writeFile(file, seedText(title, date, sentences, i + kind.length * 1000));
    await utimes(file, dayAgo, dayAgo);
    return { file, title, date };
  };
  const editTargets: Target[] = [];
  const deleteTargets: Target[] = [];
  for (let i = 0; i < count; i++) {
    editTargets.push(await target('edit', i));
    deleteTargets.push(await target('delete', i));
  }
  return {
    seeds,
    out: path.join(dir, 'out'),
    data: path.join(dir, 'data'),
    dirs,
    editTargets,
    deleteTargets,
    token,
  };
}
