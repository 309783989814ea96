import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summarizeProfile } from '../../tools/bench/cpu-profile.js';
import { percentile } from '../../tools/bench/freshness-table.js';

/** A .cpuprofile as node --cpu-prof writes it: samples of node ids, microseconds between them. */
function profileFile(samples: number[], timeDeltas: number[]): string {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({
    functionName,
    url,
    lineNumber,
  });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('buildCatalog', 'file:///x/dist/catalog/catalog.js', 62) },
      { id: 4, callFrame: frame('') },
    ],
    startTime: 1_000,
    endTime: 1_000 + timeDeltas.reduce((a, b) => a + b, 0),
    samples,
    timeDeltas,
  };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cpu-profile-')), 'p.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe('summarizeProfile', () => {
  // Samples at 1000, 2000, 3000, 4000, 5000 µs; each stands for the time until the next one.
  const file = profileFile([3, 2, 3, 4, 3], [0, 1000, 1000, 1000, 1000]);

  it('sums self time per function, leaves idle out of the functions and of busy time', () => {
    const summary = summarizeProfile(file);
    expect(summary.totalMs).toBe(4);
    expect(summary.busyMs).toBe(3);
    expect(summary.functions).toEqual([
      { name: 'buildCatalog /x/dist/catalog/catalog.js:63', selfMs: 2 },
      { name: '(anonymous)', selfMs: 1 },
    ]);
  });

  it('counts only the samples inside the window, on the profile clock', () => {
    const summary = summarizeProfile(file, { fromUs: 2_500, toUs: 4_500 });
    expect(summary.totalMs).toBe(2);
    expect(summary.functions).toEqual([
      { name: 'buildCatalog /x/dist/catalog/catalog.js:63', selfMs: 1 },
      { name: '(anonymous)', selfMs: 1 },
    ]);
  });
});

describe('percentile', () => {
  it('is the nearest rank, whatever the order of the values', () => {
    const values = [900, 100, 500, 300, 700, 200, 800, 400, 600, 1000];
    expect(percentile(values, 0.5)).toBe(500);
    expect(percentile(values, 0.99)).toBe(1000);
    expect(percentile([42], 0.99)).toBe(42);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
