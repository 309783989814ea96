import { parentPort, workerData } from 'node:worker_threads';
import { writeArticlePages } from '../export/article-pages.js';
import { misbehave } from './faults.js';
import { HeldBodies } from './held-bodies.js';
import { parseRequestFile } from './parse-request-file.js';
import { betweenRequests, startFile } from './progress.js';
import { Spool } from './spool.js';
import type { WorkerRequest, WorkerResponse, WorkerSetup } from './protocol.js';
import type { Reparse } from '../catalog/draft-file.js';

/**
 * A parse worker: it runs the jobs the pool sends it (protocol.ts) and owns none of them. What is
 * its own is the bodies it parsed, which it keeps, sending back only the metadata: the main thread
 * later asks for the few bodies the feeds need, and has the worker write the article pages from
 * the rest — so 100,000 bodies never cross to, or pile up in, the main thread. A parse request
 * with `keep: false` (a few files, or a body a page needs again) sends the bodies back instead.
 *
 * Files are read synchronously: this thread has nothing else to do. As it starts each file it says
 * so in the shared progress cells (progress.ts): the pool ends a worker that stays on one file too long.
 */
const setup = workerData as WorkerSetup | undefined;
/** Said in the answer to the parse that met it (the pool logs it). */
let warning: string | undefined;
const held = new HeldBodies({
  memoryBytes: setup?.held?.memoryBytes,
  chunkBytes: setup?.held?.chunkBytes,
  openSpool: () => Spool.open(setup?.held?.spoolDir),
  spillFailed: (error) => {
    warning = `parsed bodies stay in memory: no spool file (${error.message})`;
  },
});
const progress = setup ? new Int32Array(setup.progress) : new Int32Array(3);

function parse(request: Extract<WorkerRequest, { type: 'parse' }>): Reparse[] {
  const out = request.files.map((file, index): Reparse => {
    startFile(progress, request.id, index);
    misbehave(file.path, setup?.faults);
    return parseRequestFile(request, file, request.known?.[index], held);
  });
  betweenRequests(progress);
  return out;
}

function handle(request: WorkerRequest): WorkerResponse {
  switch (request.type) {
    case 'parse': {
      const results = parse(request);
      const said = warning;
      warning = undefined;
      return said ? { id: request.id, results, warning: said } : { id: request.id, results };
    }
    case 'bodies':
      return { id: request.id, bodies: held.some(request.sources) };
    case 'pages':
      return {
        id: request.id,
        written: writeArticlePages(request.settings, request.outDir, request.pages, (source) =>
          held.bytes(source),
        ),
      };
    case 'forget':
      held.clear();
      return { id: request.id, written: 0 };
  }
}

function answer(request: WorkerRequest): void {
  try {
    parentPort!.postMessage(handle(request));
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      error: (error as Error).message,
    } satisfies WorkerResponse);
  }
}

/**
 * Requests are answered one per turn of the event loop. A port hands over every message queued
 * at once, and the pool queues several: answered as they came, a cold scan's requests would run
 * back to back, and the end of a chunk's write to the spool (byte-arena.ts) would not be heard
 * of until the scan was over.
 */
const queued: WorkerRequest[] = [];
function answerNext(): void {
  answer(queued.shift()!);
  if (queued.length > 0) setImmediate(answerNext);
}
parentPort?.on('message', (request: WorkerRequest) => {
  if (queued.push(request) === 1) setImmediate(answerNext);
});
