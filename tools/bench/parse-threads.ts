import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { parseToolArgs, wholeNumber, wholeNumbers } from '../shared/args.js';
import { filesUnder } from '../shared/files.js';
import { WORKER_YOUNG_GENERATION_MB } from '../../src/workers/spawn.js';
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
  'as-pool': {
    type: 'boolean',
    help: "also each count as a pool's worker runs it: the checked read, the body kept, the results posted",
  },
  'jit-on-thread': {
    type: 'boolean',
    help: "V8's optimizing compiler on each worker's own thread, not on another core",
  },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/parse-threads.ts',
  about:
    "The parse workers' job alone (read each file, reparseBytes with the sketch) in fresh worker\n" +
    'threads, each with its share of the files: what a second core adds on this machine, and,\n' +
    'with --files, what the first files cost on a cold JIT; with --as-pool, what a pool worker\n' +
    'adds around the parse. Wall and CPU time of the whole job, workers started included, in\n' +
    'alternating rounds. Not a test.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const rounds = wholeNumber(TOOL, OPTIONS, 'rounds', args.rounds);
const counts = wholeNumbers(TOOL, OPTIONS, 'threads', args.threads);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(root, args.corpus);
const all = filesUnder(dir);
const listed =
  args.files === undefined ? all : all.slice(0, wholeNumber(TOOL, OPTIONS, 'files', args.files));
/** Each file as the walk hands it to the pool (a SeedFile), its stat taken before any timing. */
const realDir = realpathSync(dir);
const files = listed.map((absPath) => {
  const { size, mtimeMs, ino, dev } = statSync(absPath);
  return { path: path.relative(dir, absPath), absPath, root: realDir, size, mtimeMs, ino, dev };
});

// Plain JavaScript, so that the worker needs no TypeScript loader. With `asPool` it runs each file
// as a parse worker of the pool does (parseRequestFile: the checked read, the body kept in
// HeldBodies) and posts the results a request at a time.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const dist = (module) => import(new URL(module, workerData.dist).href);
Promise.all([dist('catalog/draft-file.js'), dist('workers/parse-request-file.js'), dist('workers/held-bodies.js')]).then(
  ([{ reparseBytes }, { parseRequestFile }, { HeldBodies }]) => {
  const held = new HeldBodies();
  const how = { maxFileBytes: workerData.maxFileBytes, options: { sketch: true }, keep: true };
  let request = [];
  for (const file of workerData.files) {
    if (!workerData.asPool) {
      reparseBytes(file, readFileSync(file.absPath), undefined, { sketch: true });
      continue;
    }
    request.push(parseRequestFile(how, file, undefined, held));
    if (request.length === workerData.chunk) {
      parentPort.postMessage(request);
      request = [];
    }
  }
  if (request.length > 0) parentPort.postMessage(request);
  parentPort.postMessage('done');
  },
);
`;
const dist = pathToFileURL(path.join(root, 'dist/')).href;
/** What a pool's big batch sends a worker at a time (workers/batch-shape.ts). */
const POOL_CHUNK = 48;

if (args['jit-on-thread']) v8.setFlagsFromString('--no-concurrent-recompilation');

function runWorker(share: typeof files, asPool: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        files: share,
        dist,
        asPool,
        chunk: POOL_CHUNK,
        maxFileBytes: 5 << 20,
      },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (message) => {
      if (message === 'done') void worker.terminate().then(() => resolve());
    });
    worker.once('error', reject);
  });
}

/** A way to run the job: how many workers, and whether they do a pool worker's work around the parse. */
interface Contender {
  readonly threads: number;
  readonly asPool: boolean;
  readonly label: string;
}

async function parseIn({ threads, asPool }: Contender): Promise<{ wallMs: number; cpuMs: number }> {
  const per = Math.ceil(files.length / threads);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, (_, i) =>
      runWorker(files.slice(i * per, (i + 1) * per), asPool),
    ),
  );
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

const workers = (n: number) => `${n} worker${n === 1 ? ' ' : 's'}`;
/** With --as-pool, each worker count twice: the bare parse, then as a pool's worker runs it. */
const contenders: Contender[] = counts.flatMap((threads) =>
  (args['as-pool'] ? [false, true] : [false]).map((asPool) => ({
    threads,
    asPool,
    label: `${workers(threads)}${asPool ? ' as pool' : args['as-pool'] ? ' bare   ' : ''}`,
  })),
);
const results = new Map(contenders.map((c) => [c, [] as Array<{ wallMs: number; cpuMs: number }>]));
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 ? contenders : [...contenders].reverse();
  for (const contender of order) {
    const r = await parseIn(contender);
    results.get(contender)!.push(r);
    console.log(
      `round ${round}: ${contender.label} ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU`,
    );
  }
}
const first = contenders[0]!;
const baseWall = median(results.get(first)!.map((r) => r.wallMs));
console.log(`${files.length} files, medians:`);
for (const contender of contenders) {
  const wall = median(results.get(contender)!.map((r) => r.wallMs));
  const cpu = median(results.get(contender)!.map((r) => r.cpuMs));
  console.log(
    `  ${contender.label}: ${(wall / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU, ` +
      `${((cpu * 1000) / files.length).toFixed(0)} µs CPU a file, ${(baseWall / wall).toFixed(2)}× the speed of ${first.label.trim()}`,
  );
}
