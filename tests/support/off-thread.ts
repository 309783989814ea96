/**
 * parseSeed in a worker thread of its own, for tests about how long parsing takes. A parse that
 * never ends on the test's thread would block it, and vitest's timeout can only fire once the
 * thread is free again: here the test's timeout fails it while the worker spins, and the test file
 * ends the worker (afterEach: `await parser.stopIfBusy()`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Draft, Rejection } from '../../src/model.js';
import type { ParseOptions } from '../../src/catalog/draft-file.js';

const PARSE_MODULE = pathToFileURL(
  path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../src/parse/index.ts'),
).href;
/** tsx's public API entry (its `register` installs the loader in this worker: Node 20 ignores --import there). */
const TSX = import.meta.resolve('tsx/esm/api');

/** The worker: tsx's loader (so it reads the .ts sources), then parseSeed on every message. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(TSX)}).then((api) => { api.register(); return import(${JSON.stringify(PARSE_MODULE)}); }).then(({ parseSeed }) => {
  parentPort.on('message', ({ file, text, options }) => {
    const started = performance.now();
    let result;
    try { result = parseSeed(file, text, options); } catch (error) { result = { file, reason: 'threw: ' + error.message }; }
    parentPort.postMessage({ result, ms: performance.now() - started });
  });
  parentPort.postMessage('ready');
});`;

export interface Timed {
  readonly result: Draft | Rejection;
  /** Time parseSeed itself took in the worker. */
  readonly ms: number;
}

export class OffThreadParser {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private busy = false;

  private start(): Promise<Worker> {
    this.ready ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.once('message', () => resolve(worker));
      worker.once('error', reject);
      this.worker = worker;
    });
    return this.ready;
  }

  /** Starts the worker ahead of the timed tests (its start-up is no part of any parse). */
  async warm(): Promise<void> {
    await this.start();
  }

  async parse(file: string, text: string, options?: ParseOptions): Promise<Timed> {
    const worker = await this.start();
    this.busy = true;
    try {
      return await new Promise<Timed>((resolve, reject) => {
        // One listener each per parse, taken off again: a long test file parses many times.
        const answered = (timed: Timed) => {
          worker.off('error', failed);
          resolve(timed);
        };
        const failed = (error: Error) => {
          worker.off('message', answered);
          reject(error);
        };
        worker.once('message', answered);
        worker.once('error', failed);
        worker.postMessage({ file, text, options });
      });
    } finally {
      this.busy = false;
    }
  }

  /** Ends a worker still parsing (its test timed out) so the next test gets a fresh one. */
  async stopIfBusy(): Promise<void> {
    if (!this.busy) return;
    await this.stop();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.busy = false;
    await worker?.terminate();
  }
}
