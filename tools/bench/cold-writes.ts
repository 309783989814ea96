/**
 * What writing the article pages of a cold export costs the file system, without the scan and the
 * rendering around it (whose CPU is many times larger and noisier on a shared machine): `--pages`
 * pages of real-looking bytes, each with its gzip sibling, written as a parse worker writes them
 * (src/export/stage-document.ts) into a new output directory. This checkout's way (into a staged
 * `articles/`, renamed into place once: real-dirs.ts) against another checkout's dist
 * (`--before`, `npm run build` there), in alternating rounds (A B A B). Prints each round's user
 * and system CPU seconds and wall time, and the medians' ratios.
 *
 *   npx tsx tools/bench/cold-writes.ts --before ../base/dist [--pages 9000] [--rounds 3]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { OutputDirs } from '../../src/export/real-dirs.js';
import { writeArticleDocumentSync } from '../../src/export/stage-document.js';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    pages: { type: 'string', default: '9000' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values.before) throw new Error('--before <dist of another checkout> is required');
const pages = Number(values.pages);
const rounds = Number(values.rounds);

type WriteSync = (file: string, body: Uint8Array, madeDirs: Set<string>) => void;
const before = (
  (await import(
    pathToFileURL(path.resolve(values.before, 'export', 'stage-document.js')).href
  )) as { writeArticleDocumentSync: WriteSync }
).writeArticleDocumentSync;

// ~8 KB pages that compress like HTML (a fixed vocabulary), each one different.
const words = Array.from({ length: 400 }, () => randomBytes(4).toString('hex'));
const bodies = Array.from({ length: pages }, (_, i) =>
  Buffer.from(
    `<!doctype html><p>${i}</p>` +
      Array.from({ length: 900 }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' '),
  ),
);
const ids = bodies.map((_, i) => i.toString(16).padStart(16, '0'));

async function perFile(root: string): Promise<void> {
  const made = new Set<string>();
  for (let i = 0; i < pages; i++)
    before(path.join(root, 'articles', ids[i]!, 'index.html'), bodies[i]!, made);
}

async function stagedDir(root: string): Promise<void> {
  const dirs = new OutputDirs(root);
  const at = await dirs.ensure(path.join(root, 'articles'));
  const made = new Set<string>();
  for (let i = 0; i < pages; i++)
    writeArticleDocumentSync(path.join(at, ids[i]!, 'index.html'), bodies[i]!, made, true);
  await dirs.commit();
}

interface Round {
  readonly user: number;
  readonly sys: number;
  readonly wall: number;
}

async function round(write: (root: string) => Promise<void>): Promise<Round> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-cold-writes-'));
  try {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await write(root);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { user: used.user / 1e6, sys: used.system / 1e6, wall: wall / 1000 };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const results: Record<'before' | 'after', Round[]> = { before: [], after: [] };
for (let r = 0; r < rounds; r++) {
  results.before.push(await round(perFile));
  results.after.push(await round(stagedDir));
  const [b, a] = [results.before.at(-1)!, results.after.at(-1)!];
  console.log(
    `round ${r + 1} (load ${os.loadavg()[0]!.toFixed(1)}): before user ${b.user.toFixed(2)} s sys ${b.sys.toFixed(2)} s wall ${b.wall.toFixed(2)} s | ` +
      `after user ${a.user.toFixed(2)} s sys ${a.sys.toFixed(2)} s wall ${a.wall.toFixed(2)} s`,
  );
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
for (const key of ['user', 'sys', 'wall'] as const) {
  const [b, a] = [
    median(results.before.map((x) => x[key])),
    median(results.after.map((x) => x[key])),
  ];
  console.log(
    `${key}: before ${b.toFixed(2)} s, after ${a.toFixed(2)} s, after/before ${(a / b).toFixed(2)}`,
  );
}
