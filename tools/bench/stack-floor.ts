import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseToolArgs, wholeNumber } from '../shared/args.js';
import { filesUnder, IN_MEMORY_CORPUS } from '../shared/files.js';
import { median } from './cold-rounds.js';

const OPTIONS = {
  corpus: IN_MEMORY_CORPUS,
  rounds: { type: 'string', value: 'N', default: '3', help: 'alternating rounds' },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/stack-floor.ts',
  about:
    "What one file costs seedfeed's parse workers (reparseBytes with the near-duplicate sketch)\n" +
    'against the least any tool on this stack does with it: decode it, read its front matter\n' +
    'with gray-matter, take its body through one htmlparser2 pass that writes the tags and text\n' +
    'back out, and hash the text. In one thread, over a corpus held in memory, in alternating\n' +
    'rounds, as CPU time. Not a test.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const rounds = wholeNumber(TOOL, OPTIONS, 'rounds', args.rounds);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const require = createRequire(path.join(root, 'package.json'));
const matter = require('gray-matter') as (input: string) => { data: Record<string, unknown> };
const { Parser } = require('htmlparser2') as typeof import('htmlparser2');

/** The floor: every step a build of these files cannot skip, each done once and simply. */
function floor(bytes: Buffer): number {
  const text = bytes.toString('utf8').trimStart();
  const end = text.startsWith('---') ? text.indexOf('\n---', 3) : -1;
  const title = end > 0 ? String(matter(text.slice(0, end + 4)).data.title ?? '') : '';
  const body = end > 0 ? text.slice(end + 4) : text;
  let html = '';
  let plain = '';
  const parser = new Parser(
    {
      onopentag: (name) => void (html += `<${name}>`),
      ontext: (t) => void ((html += t), (plain += t)),
      onclosetag: (name) => void (html += `</${name}>`),
    },
    { decodeEntities: true },
  );
  parser.end(body);
  return title.length + html.length + hash('sha256', plain.replace(/\s+/g, ''), 'hex').length;
}

interface SeedFileLike {
  readonly path: string;
  readonly absPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}
type ReparseBytes = (
  file: SeedFileLike,
  bytes: Uint8Array,
  known: undefined,
  options: { sketch: boolean },
) => unknown;
const { reparseBytes } = (await import(
  pathToFileURL(path.join(root, 'dist/catalog/draft-file.js')).href
)) as { reparseBytes: ReparseBytes };

const dir = path.resolve(root, args.corpus);
const files = filesUnder(dir).map((absPath) => ({
  file: { path: path.relative(dir, absPath), absPath, size: 0, mtimeMs: 0, ino: 0 },
  bytes: readFileSync(absPath),
}));

const contenders = [
  { name: 'floor', run: (f: (typeof files)[number]) => floor(f.bytes) },
  {
    name: 'seedfeed',
    run: (f: (typeof files)[number]) => reparseBytes(f.file, f.bytes, undefined, { sketch: true }),
  },
];
const times = new Map(contenders.map((c) => [c.name, [] as number[]]));
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 ? contenders : [...contenders].reverse();
  for (const { name, run } of order) {
    const start = process.cpuUsage();
    for (const f of files) run(f);
    const used = process.cpuUsage(start);
    const us = (used.user + used.system) / files.length;
    times.get(name)!.push(us);
    console.log(`round ${round} ${name.padEnd(8)} ${us.toFixed(0).padStart(5)} µs a file (CPU)`);
  }
}
const floorUs = median(times.get('floor')!);
const seedfeedUs = median(times.get('seedfeed')!);
console.log(
  `${files.length} files; median: floor ${floorUs.toFixed(0)} µs, seedfeed ${seedfeedUs.toFixed(0)} µs a file, ` +
    `seedfeed ÷ floor ${(seedfeedUs / floorUs).toFixed(2)}×`,
);
