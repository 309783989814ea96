import { summaryWords } from '../../src/catalog/summary-ref.js';
import { WordArena } from '../../src/catalog/word-arena.js';
import type { Article } from '../../src/model.js';
import { searchArticles } from '../../src/render/search.js';
import { Spool } from '../../src/workers/spool.js';
import { parseToolArgs } from '../shared/args.js';

const OPTIONS = {
  articles: { type: 'string', value: 'N', default: '90000', help: 'articles searched' },
  rounds: { type: 'string', value: 'N', default: '3', help: 'alternating rounds' },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/search-spill.ts',
  about:
    "The site search over N articles' 200-character CJK summaries: kept as strings (build), against\n" +
    'kept in a word arena spilled to a spool file (serve; catalog/summary-ref.ts), searched in an\n' +
    'order other than the one they were kept in, as a catalog by date is against a walk. Not a test.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const n = Number(args.articles);

const text =
  '春眠不觉晓处处闻啼鸟夜来风雨声花落知多少床前明月光疑是地上霜举头望明月低头思故乡湖南日报数字化赋能转型迈新步';
const summaries = Array.from({ length: n }, (_, i) =>
  (text.repeat(6).slice(i % 40) + i).slice(0, 200),
);
const article = (i: number, summary: Pick<Article, 'summary' | 'summaryAt'>): Article => ({
  id: `a${i}`,
  guid: `urn:a:${i}`,
  title: `标题 ${i}`,
  date: i,
  updated: i,
  modified: 0,
  categories: [],
  tags: [],
  sources: [`${i}.md`],
  bodySource: `${i}.md`,
  contentHash: `h${i}`,
  ...summary,
});

const arena = new WordArena({ open: () => Spool.open() });
const kept = summaries.map((s) => {
  const { sketch, sketchAt } = arena.keep(summaryWords(s)!);
  return { summary: sketch as Exclude<Article['summary'], string>, summaryAt: sketchAt };
});
arena.spillFilled();
const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
const asStrings = order.map((i) => article(i, { summary: summaries[i]! }));
const spilled = order.map((i) => article(i, kept[i]!));

const time = (articles: readonly Article[]) => {
  const started = performance.now();
  const hits =
    searchArticles(articles, '明月 故乡').total + searchArticles(articles, '数字化 x').total;
  return { ms: (performance.now() - started) / 2, hits };
};
const rows: string[] = [];
for (let round = 0; round < Number(args.rounds); round++) {
  const a = time(asStrings);
  const b = time(spilled);
  if (a.hits !== b.hits) throw new Error(`different results: ${a.hits} against ${b.hits}`);
  rows.push(
    `round ${round + 1}: strings ${a.ms.toFixed(1)} ms, spilled ${b.ms.toFixed(1)} ms (${(b.ms / a.ms).toFixed(2)}×)`,
  );
}
console.log(`search over ${n.toLocaleString('en')} summaries, per query\n${rows.join('\n')}`);
