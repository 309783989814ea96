import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The tools are never compiled: they run under tsx, and so must the processes and worker threads
 * they start from their own files. tsx is resolved from here, not from the working directory, so
 * a tool runs from any directory.
 */

/** Node's arguments to run the TypeScript file `script` with `args`: `node --import tsx script args…`. */
export function tsxNodeArgs(script: URL, ...args: string[]): string[] {
  return ['--import', import.meta.resolve('tsx'), fileURLToPath(script), ...args];
}

/**
 * A worker thread running the TypeScript file `script`. Node 20 ignores `--import` in a worker,
 * so the worker registers tsx through its public API before importing the script (as
 * src/workers/spawn.ts does for the parse workers).
 */
export function tsxWorker(script: URL, options: WorkerOptions = {}): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
