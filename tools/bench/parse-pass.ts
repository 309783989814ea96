import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseToolArgs, usageError, wholeNumber } from '../shared/args.js';
import { filesUnder, IN_MEMORY_CORPUS } from '../shared/files.js';
import { median } from './cold-rounds.js';

const OPTIONS = {
  before: {
    type: 'string',
    value: 'DIR',
    help: 'the checkout to compare against (dist/ built)',
  },
  corpus: IN_MEMORY_CORPUS,
  rounds: { type: 'string', value: 'N', default: '3', help: 'alternating rounds' },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/parse-pass.ts --before DIR',
  about:
    'The per-file parse (parseSeedWithText, what a parse worker runs for each file) over a whole\n' +
    "corpus held in memory, in one thread: this checkout's dist/ against another's, in alternating\n" +
    'rounds, as CPU time. Also counts the files whose results differ. Not a test.',
};
const args = parseToolArgs(TOOL, OPTIONS);
if (!args.before) usageError(TOOL, OPTIONS, '--before is required');
const rounds = wholeNumber(TOOL, OPTIONS, 'rounds', args.rounds);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type ParseSeedWithText = (file: string, text: string) => unknown;

async function parserOf(checkout: string): Promise<ParseSeedWithText> {
  const module = pathToFileURL(path.join(path.resolve(checkout), 'dist/parse/index.js')).href;
  return ((await import(module)) as { parseSeedWithText: ParseSeedWithText }).parseSeedWithText;
}

/** CPU milliseconds (user + sys) of one pass over every file. */
function cpuOfPass(parse: ParseSeedWithText, files: ReadonlyArray<[string, string]>): number {
  const start = process.cpuUsage();
  for (const [file, text] of files) parse(file, text);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const files = filesUnder(path.resolve(root, args.corpus)).map((file): [string, string] => [
  file,
  readFileSync(file, 'utf8'),
]);
const contenders = [
  { name: 'before', parse: await parserOf(args.before) },
  { name: 'after', parse: await parserOf(root) },
];

let differing = 0;
for (const [file, text] of files)
  if (!isDeepStrictEqual(contenders[0]!.parse(file, text), contenders[1]!.parse(file, text)))
    differing++;
console.log(`${files.length} files; results differ for ${differing}`);

const times = new Map(contenders.map((c) => [c.name, [] as number[]]));
for (let round = 1; round <= rounds; round++) {
  // Alternate who goes first, so neither always runs on a warmer machine.
  const order = round % 2 ? contenders : [...contenders].reverse();
  for (const { name, parse } of order) {
    const ms = cpuOfPass(parse, files);
    times.get(name)!.push(ms);
    console.log(`round ${round} ${name.padEnd(6)} ${ms.toFixed(0).padStart(6)} ms CPU`);
  }
}
const before = median(times.get('before')!);
const after = median(times.get('after')!);
console.log(
  `median: before ${before.toFixed(0)} ms, after ${after.toFixed(0)} ms, after/before ${(after / before).toFixed(3)}` +
    ` (${((before / files.length) * 1000).toFixed(0)} → ${((after / files.length) * 1000).toFixed(0)} µs a file)`,
);
