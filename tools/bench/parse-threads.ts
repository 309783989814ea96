import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseToolArgs, wholeNumber, wholeNumbers } from '../shared/args.js';
import { filesUnder } from '../shared/files.js';
import { median } from './cold-rounds.js';

const OPTIONS = {
  corpus: {
    type: 'string',
    value: 'DIR',
    default: '.bench/corpus-10000',
    help: 'the seed files',
  },
  files: { type: 'string', value: 'N', help: 'only the first N files (default: all)' },
  threads: {
    type: 'string',
    value: 'a,b',
    default: '1,2',
    help: 'worker counts to compare, each splitting the files between its workers',
  },
  rounds: { type: 'string', value: 'N', default: '3', help: 'alternating rounds' },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/parse-threads.ts',
  about:
    "The parse workers' job alone (read each file, reparseBytes with the sketch) in fresh worker\n" +
    'threads, each with its share of the files: what a second core adds on this machine, and,\n' +
    'with --files, what the first files cost on a cold JIT. Wall and CPU time of the whole job,\n' +
    'workers started included, in alternating rounds. Not a test.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const rounds = wholeNumber(TOOL, OPTIONS, 'rounds', args.rounds);
const counts = wholeNumbers(TOOL, OPTIONS, 'threads', args.threads);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(root, args.corpus);
const all = filesUnder(dir);
const files =
  args.files === undefined ? all : all.slice(0, wholeNumber(TOOL, OPTIONS, 'files', args.files));

// Plain JavaScript, so that the worker needs no TypeScript loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const path = require('node:path');
import(workerData.draftFile).then(({ reparseBytes }) => {
  for (const absPath of workerData.files) {
    const file = { path: path.relative(workerData.dir, absPath), absPath, size: 0, mtimeMs: 0, ino: 0 };
    reparseBytes(file, readFileSync(absPath), undefined, { sketch: true });
  }
  parentPort.postMessage('done');
});
`;
const draftFile = pathToFileURL(path.join(root, 'dist/catalog/draft-file.js')).href;

function runWorker(share: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { files: share, dir, draftFile } });
    worker.once('message', () => void worker.terminate().then(() => resolve()));
    worker.once('error', reject);
  });
}

async function parseIn(threads: number): Promise<{ wallMs: number; cpuMs: number }> {
  const per = Math.ceil(files.length / threads);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, (_, i) => runWorker(files.slice(i * per, (i + 1) * per))),
  );
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

const results = new Map(counts.map((n) => [n, [] as Array<{ wallMs: number; cpuMs: number }>]));
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 ? counts : [...counts].reverse();
  for (const n of order) {
    const r = await parseIn(n);
    results.get(n)!.push(r);
    console.log(
      `round ${round}: ${n} worker${n === 1 ? ' ' : 's'} ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU`,
    );
  }
}
const first = counts[0]!;
const baseWall = median(results.get(first)!.map((r) => r.wallMs));
console.log(`${files.length} files, medians:`);
for (const n of counts) {
  const wall = median(results.get(n)!.map((r) => r.wallMs));
  const cpu = median(results.get(n)!.map((r) => r.cpuMs));
  console.log(
    `  ${n} worker${n === 1 ? ' ' : 's'}: ${(wall / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU, ` +
      `${((cpu * 1000) / files.length).toFixed(0)} µs CPU a file, ${(baseWall / wall).toFixed(2)}× the speed of ${first}`,
  );
}
