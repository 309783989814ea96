/**
 * What precompressing an export costs, per kind of document: the levels the export uses with
 * --precompress (src/export/precompressed.ts; article pages get no sibling since 2026-12-04, and
 * are measured at those levels too) against serve's (gzip 9, brotli 11), on the documents of an
 * existing export, in alternating rounds (A B A B) since the machine is shared. Prints CPU ms per
 * document (best round), the whole export's CPU seconds at that rate, and each sibling's bytes
 * as a share of the document's.
 *
 *   npx tsx tools/bench/precompress.ts --out feeds [--sample 200] [--rounds 2]
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { compressedSiblings } from '../../src/export/precompressed.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'feeds' },
    sample: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2' },
  },
});
const out = values.out!;
const sample = Number(values.sample);
const rounds = Number(values.rounds);

type Kind = 'article' | 'archive' | 'feed' | 'page';
const kindOf = (rel: string): Kind =>
  rel.startsWith('articles/')
    ? 'article'
    : rel.includes('/archive/')
      ? 'archive'
      : rel.endsWith('index.html')
        ? 'page'
        : 'feed';

const byKind = new Map<Kind, string[]>();
for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
  const rel = path.relative(out, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
  if (!entry.isFile() || !/(\.xml|\.json|index\.html)$/.test(rel) || rel.startsWith('.')) continue;
  const kind = kindOf(rel);
  byKind.set(kind, [...(byKind.get(kind) ?? []), rel]);
}

const serveLevels = (body: Uint8Array) => [
  gzipSync(body, { level: 9 }),
  brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: body.length > 2_000_000 ? 9 : 11,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  }),
];
const exportLevels = async (body: Uint8Array) =>
  (await compressedSiblings('x', body)).map((s) => s.data);

/** CPU ms per document (all threads: zlib's pool too) and the bytes of each sibling (gz, br). */
async function timed(bodies: Buffer[], run: (b: Buffer) => Promise<Uint8Array[]> | Uint8Array[]) {
  const bytes = [0, 0];
  const start = process.cpuUsage();
  for (const body of bodies) (await run(body)).forEach((c, i) => (bytes[i]! += c.length));
  const cpu = process.cpuUsage(start);
  return { ms: (cpu.user + cpu.system) / 1000 / bodies.length, bytes };
}

const shares = (bytes: number[], input: number) =>
  bytes.map((b) => (b ? ((b / input) * 100).toFixed(1) : '-').padStart(5)).join(' ');

console.log(
  'kind     docs  avg KB | export ms/doc  s total   gz%   br% | serve ms/doc  s total   gz%   br% | ratio',
);
for (const [kind, files] of byKind) {
  const bodies = await Promise.all(files.slice(0, sample).map((f) => readFile(path.join(out, f))));
  const input = bodies.reduce((s, b) => s + b.length, 0);
  const a: number[] = [];
  const b: number[] = [];
  let aBytes = [0, 0];
  let bBytes = [0, 0];
  for (let r = 0; r < rounds; r++) {
    const x = await timed(bodies, (body) => exportLevels(body));
    const y = await timed(bodies, serveLevels);
    a.push(x.ms);
    b.push(y.ms);
    aBytes = x.bytes;
    bBytes = y.bytes;
  }
  const ams = Math.min(...a);
  const bms = Math.min(...b);
  console.log(
    [
      kind.padEnd(8),
      String(files.length).padStart(5),
      (input / bodies.length / 1024).toFixed(1).padStart(7),
      '|',
      ams.toFixed(2).padStart(12),
      ((ams * files.length) / 1000).toFixed(1).padStart(8),
      shares(aBytes, input),
      '|',
      bms.toFixed(2).padStart(11),
      ((bms * files.length) / 1000).toFixed(1).padStart(8),
      shares(bBytes, input),
      '|',
      (bms / ams).toFixed(1).padStart(6),
    ].join(' '),
  );
}
