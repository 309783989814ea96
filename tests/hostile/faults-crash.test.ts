/**
 * A crash in the middle of an export: `seedfeed build` and `seedfeed serve` (the compiled CLI,
 * built by tests/global-setup.ts) are killed with SIGKILL while they write 320 articles. At no
 * moment is a file visible under its final name with other bytes than a complete export gives it
 * (writes go to temporary names and are renamed), and the next start repairs: the temporaries are
 * removed and the export is complete, file for file what an uninterrupted build writes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EXPORT_MARKER } from '../../src/export/staging.js';
import { MANIFEST } from '../../src/export/write-site.js';
import { CATALOG_LOG, CATALOG_SNAPSHOT } from '../../src/export/catalog-snapshot.js';
import { STATE_FILE } from '../../src/export/state.js';
import { seedText } from '../live/harness.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'seedfeed.js');
// Above the parse pool's threshold (300): article pages are written by worker threads, as in big exports.
const ARTICLES = 320;
const BASE = ['--base-url', 'https://crash.example.org'];

/** Text that differs enough from article to article that no two are near-duplicates. */
function distinctText(seed: number): string {
  const vocabulary =
    'amber basin cedar delta ember fjord grove heron inlet juniper kestrel lagoon meadow nettle orchid pebble quarry raven spruce thistle upland valley willow yarrow zephyr anchor beacon canyon dune estuary falcon glacier'.split(
      ' ',
    );
  let x = seed * 2654435761 + 1;
  const words: string[] = [];
  for (let k = 0; k < 80; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    words.push(vocabulary[(x >>> 16) % vocabulary.length]!);
  }
  return `${words.join(' ')} (${seed}).`;
}

let root: string;
let seeds: string;
/** An uninterrupted build: what every file must be. */
let reference: Map<string, Buffer>;
const children: ChildProcess[] = [];

/**
 * Every file under `dir` by relative path; the state file and the catalog snapshot are left out
 * (they hold run times and inodes, and are written after the export).
 */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || [STATE_FILE, CATALOG_SNAPSHOT, CATALOG_LOG].includes(entry.name))
      continue;
    const abs = path.join(entry.parentPath, entry.name);
    try {
      out.set(path.relative(dir, abs), await readFile(abs));
    } catch {
      // renamed or removed while we looked (the killed process's temporaries)
    }
  }
  return out;
}

const isTemp = (file: string) => /(^|\/)\.[^/]+\.[0-9a-f]{12}\.tmp$/.test(file);

/** Nothing under a final name is partial or foreign: each file is the reference's bytes, or the manifest. */
function expectNoHalfFiles(files: ReadonlyMap<string, Buffer>): void {
  for (const [file, bytes] of files) {
    if (isTemp(file) || file === MANIFEST || file === EXPORT_MARKER) continue;
    const expected = reference.get(file);
    expect(expected, `${file} is not a file of the export`).toBeDefined();
    expect(
      bytes.equals(expected!),
      `${file} differs from the complete export (${bytes.length} of ${expected!.length} bytes)`,
    ).toBe(true);
  }
}

function expectComplete(all: ReadonlyMap<string, Buffer>): void {
  const files = new Map([...all].filter(([file]) => file !== MANIFEST));
  expect([...files.keys()].filter(isTemp)).toEqual([]);
  expect([...files.keys()].sort()).toEqual([...reference.keys()].sort());
  for (const [file, bytes] of reference) expect(files.get(file)!.equals(bytes), file).toBe(true);
}

beforeAll(async () => {
  if (!existsSync(path.join(REPO, 'dist', 'cli.js')))
    throw new Error(
      'dist/ is not built: run the suite through vitest.config.ts (its globalSetup builds it)',
    );
  root = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-crash-'));
  seeds = path.join(root, 'seeds');
  await mkdir(seeds);
  const words = 'harbour bridge library market river school station garden tower museum'.split(' ');
  for (let i = 0; i < ARTICLES; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const body = distinctText(i);
    await writeFile(
      path.join(seeds, `${String(i).padStart(4, '0')}.md`),
      seedText({
        title: `Report ${i} on the ${words[i % 10]}`,
        date: `2024-02-${day} 08:00:00 +0000`,
        categories: [words[i % 10]!, `district ${i % 7}`],
        body,
      }),
    );
  }
  const refOut = path.join(root, 'reference');
  await run('node', [BIN, 'build', '--seeds', seeds, '--out', refOut, ...BASE]);
  reference = await filesOf(refOut);
  reference.delete(MANIFEST);
  expect(reference.size).toBeGreaterThan(ARTICLES);
}, 60_000);

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Starts a CLI process and SIGKILLs it as soon as `ready(out)` holds (checked every few ms). */
async function killWhen(
  args: readonly string[],
  out: string,
  ready: (out: string) => Promise<boolean>,
): Promise<void> {
  const child = spawn('node', [BIN, ...args], { stdio: 'ignore' });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (child.exitCode === null && Date.now() < deadline && !(await ready(out)))
    await new Promise((r) => setTimeout(r, 2));
  expect(child.exitCode, 'the process finished before it could be killed mid-export').toBeNull();
  child.kill('SIGKILL');
  await exited;
}

/** Ready once the export has begun: some temporary or written file exists under `sub`. */
const exportBegun = (sub: string, atLeast: number) => async (out: string) => {
  try {
    const entries = await readdir(path.join(out, sub), { recursive: true });
    return entries.length >= atLeast;
  } catch {
    return false;
  }
};

describe('SIGKILL in the middle of an export', () => {
  it.each([['while the feeds and lists are written', 'categories', 2]] as const)(
    'seedfeed build killed %s: never a partial file under its final name; the next build completes and cleans up',
    async (_, sub, atLeast) => {
      const out = path.join(root, `build-out-${sub}-${atLeast}`);
      const args = ['build', '--seeds', seeds, '--out', out, ...BASE];
      await killWhen(args, out, exportBegun(sub, atLeast));
      const killed = await filesOf(out);
      expectNoHalfFiles(killed);
      const leftovers = [...killed.keys()].filter(isTemp);

      const { stdout } = await run('node', [BIN, ...args]);
      expect(stdout).toMatch(/^built /);
      expectComplete(await filesOf(out));
      for (const temp of leftovers) expect(existsSync(path.join(out, temp)), temp).toBe(false);
    },
    60_000,
  );

  it('seedfeed serve killed during its first export: a new serve repairs the export and serves it', async () => {
    const out = path.join(root, 'serve-out');
    const args = [
      'serve',
      '--seeds',
      seeds,
      '--out',
      out,
      '--port',
      '0',
      '--no-watch',
      '--log-format',
      'json',
      ...BASE,
    ];
    await killWhen(args, out, exportBegun('articles', 100));
    expectNoHalfFiles(await filesOf(out));

    const child = spawn('node', [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const origin = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(text);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code} before listening`)));
    });
    // `serve` prints its URL after the first scan and export.
    expectComplete(await filesOf(out));
    const rss = await fetch(`${origin}/rss.xml`, { headers: { 'accept-encoding': 'identity' } });
    expect(rss.status).toBe(200);
    expect(Buffer.from(await rss.arrayBuffer()).equals(reference.get('rss.xml')!)).toBe(true);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }, 60_000);
});
