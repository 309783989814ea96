/**
 * What one change in the middle of the history costs the export: files written after deleting
 * an old article, and after adding one with an old date, over a cached corpus (a hard-linked
 * copy). Archive pages whose boundaries move with such a change are rewritten; stable ones not.
 *
 *   npx tsx tools/bench/archive-churn.ts [--size 10000] [--limit 20]
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Pipeline, type Run } from '../../src/pipeline.js';
import { parseToolArgs } from '../shared/args.js';
import { cachedCorpus } from './corpus-cache.js';
import { sentencesFrom } from './corpus.js';
import { seedText } from './fresh-tree.js';

const OPTIONS = {
  size: { type: 'string', value: 'N', default: '10000', help: 'corpus size (files)' },
  limit: { type: 'string', value: 'N', default: '20', help: 'items in a current feed' },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/archive-churn.ts',
  about: 'Files the export rewrites for one old delete and one old-dated add.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const REPO = path.resolve(import.meta.dirname, '../..');
const corpus = await cachedCorpus(
  path.join(REPO, '.bench'),
  Number(args.size),
  path.join(REPO, 'seeds'),
);
const dir = path.join(os.tmpdir(), `seedfeed-archive-churn-${process.pid}`);
const seeds = path.join(dir, 'seeds');
await mkdir(dir, { recursive: true });
const copy = spawnSync('cp', ['-al', corpus, seeds], { encoding: 'utf8' });
if (copy.status !== 0) throw new Error(`cp -al: ${copy.stderr}`);
const sentences = await sentencesFrom(path.join(REPO, 'seeds'));

// The article to delete, in the middle of the history, written a day back so it is settled.
const victim = path.join(seeds, 'churn-victim.md');
await writeFile(victim, seedText('churn victim', new Date('2021-03-10T08:00:00Z'), sentences, 1));
const dayAgo = new Date(Date.now() - 86_400_000);
await utimes(victim, dayAgo, dayAgo);

const pipeline = new Pipeline({
  settings: {
    seedsDir: seeds,
    extensions: ['.md', '.markdown', '.txt', '.html', '.htm'],
    maxFileBytes: 5 << 20,
    baseUrl: 'https://bench.example',
    siteTitle: 'seedfeed bench',
    limit: Number(args.limit),
  },
  clock: () => new Date(0),
  export: { outDir: path.join(dir, 'out'), state: false },
});

function exported(run: Run) {
  if (run.outcome !== 'built' || !run.exported) throw new Error(`run: ${run.outcome}`);
  const archives = [...run.site.paths()].filter((p) => p.includes('/archive/')).length;
  return { ...run.exported, archives, articles: run.site.catalog.articles.length };
}

function report(step: string, e: ReturnType<typeof exported>, ms: number) {
  console.log(
    `${step.padEnd(16)} written ${String(e.written).padStart(6)}  removed ${String(e.removed).padStart(5)}  archive documents ${e.archives}  articles ${e.articles}  (${(ms / 1000).toFixed(1)} s)`,
  );
}

try {
  let started = performance.now();
  report('cold build', exported(await pipeline.run()), performance.now() - started);
  await unlink(victim);
  started = performance.now();
  report('delete (2021-03)', exported(await pipeline.run()), performance.now() - started);
  const added = path.join(seeds, 'churn-added.md');
  await writeFile(added, seedText('churn added', new Date('2020-06-15T08:00:00Z'), sentences, 2));
  await utimes(added, dayAgo, dayAgo);
  started = performance.now();
  report('add (2020-06)', exported(await pipeline.run()), performance.now() - started);
} finally {
  await rm(dir, { recursive: true, force: true });
}
