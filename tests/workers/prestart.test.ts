/**
 * A cold build or scan starts its parse workers before it walks the tree, so that their start
 * overlaps the walk; they then parse the batch as workers started on demand would.
 */
import { describe, expect, it } from 'vitest';
import type { SeedFile } from '../../src/model.js';
import { walkSeeds } from '../../src/scan/walk.js';
import { ParsePool } from '../../src/workers/pool.js';
import { SAMPLES } from '../support/site.js';

describe('prestarted parse workers', () => {
  it('are running before any batch, one per core, and parse a batch as on-demand ones do', async () => {
    const files: SeedFile[] = [
      ...(await walkSeeds(SAMPLES, { extensions: ['.md', '.txt', '.html'] })).files,
    ];
    const pool = new ParsePool({ size: 2 });
    const onDemand = new ParsePool({ size: 2 });
    try {
      expect(pool.workers).toBe(0);
      pool.prestart();
      expect(pool.workers).toBe(2);
      pool.prestart();
      expect(pool.workers).toBe(2);
      const [early, late] = [
        await pool.parseBatch(files, 5 << 20),
        await onDemand.parseBatch(files, 5 << 20),
      ];
      expect(early).toEqual(late);
      expect(early.filter((r) => 'reason' in r)).toEqual([]);
    } finally {
      await pool.close();
      await onDemand.close();
    }
    expect(pool.workers).toBe(0);
  }, 60_000);
});
