/**
 * A parse worker runs with a small young generation (spawn.ts says why) and the old-generation
 * limit it is given.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { newProgress } from '../../src/workers/progress.js';
import { WORKER_YOUNG_GENERATION_MB, spawnParseWorker } from '../../src/workers/spawn.js';

describe('spawnParseWorker', () => {
  it('starts the worker with the young generation of spawn.ts and the heap limit given', async () => {
    const progress = newProgress().buffer as SharedArrayBuffer;
    const worker = spawnParseWorker({ progress }, { maxOldGenerationSizeMb: 256 });
    try {
      await once(worker, 'online');
      expect(worker.resourceLimits).toMatchObject({
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
        maxOldGenerationSizeMb: 256,
      });
      expect(WORKER_YOUNG_GENERATION_MB).toBeLessThan(48); // V8's default for a worker
    } finally {
      await worker.terminate();
    }
  });
});
