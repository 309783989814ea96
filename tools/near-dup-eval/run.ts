import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sentencesFrom } from '../bench/corpus.js';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../../src/dedupe/defaults.js';
import { evaluate, type Score } from './evaluate.js';
import { generateLabelledSet } from './labelled-set.js';
import { BANDS, ROWS, candidateProbability } from '../../src/dedupe/near-dup.js';
import { parseToolArgs, usageError } from '../shared/args.js';

const OPTIONS = {
  stories: { type: 'string', value: 'N', default: '400', help: 'stories in each labelled set' },
  seeds: { type: 'string', value: 'N,N', default: '7,8,9', help: 'one labelled set per seed' },
} as const;
const TOOL = {
  command: 'npx tsx tools/near-dup-eval/run.ts',
  about:
    'Generates the labelled sets (one per seed) and prints precision and recall of duplicate detection\n' +
    'over thresholds, counted over the pooled pairs of all sets (0 = exact copies only).',
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = parseToolArgs(TOOL, OPTIONS);
const stories = Number(args.stories);
const seeds = args.seeds.split(',').map(Number);
if (!Number.isInteger(stories) || stories < 1)
  usageError(TOOL, OPTIONS, '--stories must be a whole number from 1');
if (!seeds.every(Number.isInteger))
  usageError(TOOL, OPTIONS, '--seeds must be whole numbers, comma-separated');
const thresholds = [0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

const sentences = await sentencesFrom(path.join(root, 'seeds'));
const started = performance.now();
let files = 0;
let copies = 0;
const pooled = thresholds.map((threshold) => ({
  threshold,
  truePairs: 0,
  predictedPairs: 0,
  labelledPairs: 0,
  falseMerges: 0,
}));
for (const seed of seeds) {
  const set = generateLabelledSet({ sentences, stories, seed });
  files += set.length;
  copies += set.filter((f) => f.edits.length > 0).length;
  evaluate(set, thresholds).forEach((s: Score, i) => {
    const p = pooled[i]!;
    p.truePairs += s.truePairs;
    p.predictedPairs += s.predictedPairs;
    p.labelledPairs += s.labelledPairs;
    p.falseMerges += s.falseMerges;
  });
}
console.log(
  `labelled sets: seeds ${seeds.join(', ')}, ${stories} stories each: ${files} files, ${copies} edited copies; ` +
    `LSH ${BANDS} bands × ${ROWS} rows; ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(
  '| threshold | precision | recall | pairs right / predicted / labelled | articles mixing stories | LSH finds a pair at this similarity |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const p of pooled) {
  const mark =
    p.threshold === DEFAULT_NEAR_DUP_THRESHOLD
      ? ' **default**'
      : p.threshold === 0
        ? ' (off: exact only)'
        : '';
  const precision = p.predictedPairs === 0 ? 1 : p.truePairs / p.predictedPairs;
  const recall = p.truePairs / p.labelledPairs;
  const lsh = p.threshold === 0 ? '' : `${(candidateProbability(p.threshold) * 100).toFixed(1)}%`;
  console.log(
    `| ${p.threshold.toFixed(2)}${mark} | ${precision.toFixed(4)} | ${recall.toFixed(4)} | ${p.truePairs} / ${p.predictedPairs} / ${p.labelledPairs} | ${p.falseMerges} | ${lsh} |`,
  );
}
