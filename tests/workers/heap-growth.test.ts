import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../fixtures/processes/heap-growth.ts', import.meta.url));

async function peakHeapMb(bound: boolean): Promise<number> {
  const { stdout } = await run(process.execPath, [
    '--import',
    import.meta.resolve('tsx'),
    script,
    ...(bound ? ['bound'] : []),
  ]);
  return Number(stdout);
}

describe('the heap growth bound serve sets', () => {
  it('collects the old generation before it holds as much garbage as by default', async () => {
    const [free, bound] = await Promise.all([peakHeapMb(false), peakHeapMb(true)]);
    // ~550 MB against ~280 MB on the development machine.
    expect(free).toBeGreaterThan(0);
    expect(bound).toBeLessThan(free * 0.75);
  }, 60_000);
});
