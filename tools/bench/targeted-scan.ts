/**
 * What a watcher-triggered one-file rescan costs the scanner: a full walk (what every watcher
 * event cost before, and what the schedule still runs) against a scan of the one path the watcher
 * reported, over the same corpus, in one process. Also a racy re-read of every file (all written
 * just before the first scan): read and hashed, not parsed.
 *
 *   npx tsx tools/bench/targeted-scan.ts --files 10000 [--rounds 7] [--dir DIR]
 */
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reparseOnThisThread } from '../../src/catalog/draft-file.js';
import { Scanner } from '../../src/scan/scanner.js';
import { ParsePool } from '../../src/workers/pool.js';
import { generateCorpus } from './corpus.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '7' },
    dir: { type: 'string' },
    'on-this-thread': { type: 'boolean', default: false },
  },
});
const files = Number(values.files);
const rounds = Number(values.rounds);
const dir = values.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'seedfeed-targeted-')));
const made = values.dir === undefined;
if (made)
  await generateCorpus({ dir, files, samplesDir: path.join(import.meta.dirname, '../../seeds') });

const MAX = 5 << 20;
const EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm'];
const pool = values['on-this-thread'] ? undefined : new ParsePool();
let parsed = 0;
let read = 0;
const scanner = new Scanner({ seedsDir: dir, extensions: EXTENSIONS }, async (batch, known) => {
  const out = pool
    ? await pool.reparseBatch(batch, known, MAX)
    : await reparseOnThisThread(batch, known, MAX);
  parsed += out.filter((r) => r.result).length;
  read += batch.length;
  return out;
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timed = async (run: () => Promise<unknown>) => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

const cold = await timed(() => scanner.scan());
const before = parsed;
const readBefore = read;
const racy = await timed(() => scanner.scan());
const racyParsed = parsed - before;
const racyRead = read - readBefore;
const first = (await scanner.scan()).files[Math.floor(files / 2)]!.file;
const target = path.join(dir, first.path);

const full: number[] = [];
const targeted: number[] = [];
for (let i = 0; i < rounds; i++) {
  await appendFile(target, `\n追加的一行 ${i}a。\n`);
  full.push(await timed(() => scanner.scan()));
  await appendFile(target, `\n追加的一行 ${i}b。\n`);
  targeted.push(await timed(() => scanner.scan([target])));
}
const size = (await stat(target)).size;
console.log(
  JSON.stringify(
    {
      files,
      coldScanMs: Math.round(cold),
      racyRereadMs: Math.round(racy),
      racyReread: racyRead,
      racyRereadParsed: racyParsed,
      oneFileFullWalkMs: median(full).toFixed(1),
      oneFileTargetedMs: median(targeted).toFixed(1),
      rounds,
      editedFileBytes: size,
    },
    null,
    2,
  ),
);
await pool?.close();
if (made) await rm(dir, { recursive: true, force: true });
