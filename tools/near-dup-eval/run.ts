import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sentencesFrom } from '../bench/corpus.js';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../../src/dedupe/defaults.js';
import { evaluate, type Score } from './evaluate.js';
import { generateLabelledSet } from './labelled-set.js';
import { BANDS, ROWS, candidateProbability } from '../../src/dedupe/near-dup.js';

/**
 * `npm run near-dup-eval [-- --stories N --seeds 7,8,9]`: generates the labelled sets (one per
 * seed) and prints precision and recall of duplicate detection over thresholds, counted over the
 * pooled pairs of all sets (0 = exact copies only).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const stories = Number(value('stories', '400'));
const seeds = value('seeds', '7,8,9').split(',').map(Number);
const thresholds = [0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

const sentences = await sentencesFrom(path.join(root, 'seeds'));
const started = performance.now();
let files = 0;
let copies = 0;
const pooled = thresholds.map((threshold) => ({ threshold, truePairs: 0, predictedPairs: 0, labelledPairs: 0, falseMerges: 0 }));
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
console.log('| threshold | precision | recall | pairs right / predicted / labelled | articles mixing stories | LSH finds a pair at this similarity |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const p of pooled) {
  const mark = p.threshold === DEFAULT_NEAR_DUP_THRESHOLD ? ' **default**' : p.threshold === 0 ? ' (off: exact only)' : '';
  const precision = p.predictedPairs === 0 ? 1 : p.truePairs / p.predictedPairs;
  const recall = p.truePairs / p.labelledPairs;
  const lsh = p.threshold === 0 ? '' : `${(candidateProbability(p.threshold) * 100).toFixed(1)}%`;
  console.log(`| ${p.threshold.toFixed(2)}${mark} | ${precision.toFixed(4)} | ${recall.toFixed(4)} | ${p.truePairs} / ${p.predictedPairs} / ${p.labelledPairs} | ${p.falseMerges} | ${lsh} |`);
}
