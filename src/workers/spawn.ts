import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { WorkerSetup } from './protocol.js';

/**
 * Starts a parse worker: the compiled worker.js next to this module; or, when running from
 * TypeScript sources (under vitest or tsx), worker.ts behind tsx's loader, which the worker
 * registers itself through tsx's public API (`tsx/esm/api`): Node 20 ignores --import in a worker.
 */
export function spawnParseWorker(setup: WorkerSetup, resourceLimits: ResourceLimits): Worker {
  const options = { workerData: setup, resourceLimits };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`,
    { ...options, eval: true },
  );
}
