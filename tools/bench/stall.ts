import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEADLINE_BASE_MS, DEADLINE_PER_MB_MS, ParsePool, WORKER_MEMORY_MB } from '../../src/workers/pool.js';
import type { SeedFile } from '../../src/model.js';

/**
 * `npx tsx src/bench/stall.ts [--only name,…] [--no-grown] [--clients 2] [--no-parse] [--repo DIR]`: does one seed file still
 * stall the server? Writes the hostile files of issue #3 (and the other shapes found while fixing
 * it), each as in the issue and grown to the 5 MB size cap, next to the sample articles and three
 * legitimate 5 MB articles, then:
 *
 * 1. parses each file alone through a ParsePool with the default deadline and memory limit, and
 *    prints its outcome and how long it took;
 * 2. starts the real service (`node bin/seedfeed.js serve`, dist/ built first) on 127.0.0.1 over
 *    that directory, asks /healthz from the moment it listens until its first scan is over, and prints p50, p99 and max; then touches every file, has it rescan (SIGHUP), and does
 *    the same during the rescan (with /rss.xml asked every 250 ms besides). /healthz is asked by
 *    clients back to back (load), and by one due every 10 ms whose latency counts from when it
 *    was due: a stall is then as many slow answers as it is long.
 *
 * `--repo DIR` measures the service of another checkout in part 2 (its dist/ as built there), for
 * a before-and-after; `--no-parse` skips part 1. A measurement, not a test: nothing passes or
 * fails. Numbers depend on the machine.
 */

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const ONLY = option('only')?.split(',');
/** Another checkout (built) whose service is measured in part 2, to compare with an older version. */
const SERVED_REPO = option('repo');
const PARSE_EACH = !args.includes('--no-parse');
const GROWN = !args.includes('--no-grown');
const CLIENTS = Number(option('clients') ?? 2);
const CAP = 5 * 1024 * 1024;
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const fm = (fields: string, body: string) => `---\n${fields}\n---\n${body}\n`;
/** `unit` repeated to about `bytes` of UTF-8 (at least once), between `head` and `tail`. */
const fill = (bytes: number, unit: string, head = '', tail = '') => {
  const room = bytes - Buffer.byteLength(head) - Buffer.byteLength(tail);
  return head + unit.repeat(Math.max(1, Math.floor(room / Buffer.byteLength(unit)))) + tail;
};
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);

/** Each hostile shape, made at a size in bytes (about): the issue's size, or the cap. */
interface Shape {
  readonly name: string;
  readonly issueBytes: number;
  readonly make: (bytes: number) => string;
}

function aliases(bytes: number): string {
  // Three lists of about the same size: names, aliases of the names, aliases of that.
  const n = Math.max(400, Math.floor(bytes / 13));
  return fm(`title: Aliases\nx_a: &a [${words(n).join(',')}]\nx_b: &b [${Array(n).fill('*a').join(',')}]\ncategories: [${Array(n).fill('*b').join(',')}]`, 'Body.');
}

function nestedList(bytes: number): string {
  const depth = Math.floor(Math.sqrt(bytes));
  return fm('title: Nested list', Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- item${i}`).join('\n'));
}

function quoteStairs(bytes: number): string {
  const depth = Math.floor(Math.sqrt(bytes * 2));
  return fm('title: Quote stairs', Array.from({ length: depth }, (_, i) => `${'>'.repeat(i + 1)} line${i}`).join('\n'));
}

const SHAPES: readonly Shape[] = [
  // The three of the issue.
  { name: 'yaml-aliases', issueBytes: 5_600, make: aliases },
  { name: 'link-pattern', issueBytes: 200_000, make: (b) => fm('title: Links', fill(b, '[a](', 'Intro.\n\n')) },
  { name: 'nested-list', issueBytes: 1_000_000, make: nestedList },
  { name: 'underscores', issueBytes: 40_000, make: (b) => fm('title: Underscores', fill(b, '_a')) },
  // Found on the way.
  { name: 'emphasis-openers', issueBytes: 90_000, make: (b) => fm('title: Openers', fill(b, '*a ', '', 'a*')) },
  { name: 'dots-underscores', issueBytes: 90_000, make: (b) => fm('title: Dots', fill(b, 'a._')) },
  { name: 'strike-openers', issueBytes: 80_000, make: (b) => fm('title: Tildes', fill(b, '~~a ', '', 'a~~')) },
  { name: 'quote-line', issueBytes: 100_000, make: (b) => fm('title: Quotes', fill(b, '>', '', ' deep')) },
  { name: 'quote-stairs', issueBytes: 2_000_000, make: quoteStairs },
  { name: 'marker-line', issueBytes: 200_000, make: (b) => fm('title: Markers', fill(b, '- ', '', 'deep')) },
  { name: 'p-without-close', issueBytes: 200_000, make: (b) => fm('title: P', fill(b, '<p')) },
  { name: 'a-without-close', issueBytes: 150_000, make: (b) => fm('title: A', fill(b, '<a ', '<p>')) },
  { name: 'title-without-close', issueBytes: 360_000, make: (b) => fill(b, '<title', '<html>', '>') },
  { name: 'img-without-close', issueBytes: 250_000, make: (b) => fm('title: Img', fill(b, '<img ', '<p>text</p>')) },
  { name: 'related-headings', issueBytes: 190_000, make: (b) => fm('title: Related', fill(b, '<p>推荐阅读</p>', '<p>Story.</p>', `<p>${'x'.repeat(20)}</p>`)) },
];

/** Legitimate articles at the cap: what the deadline and the memory limit must leave room for. */
function legitimate(samples: string): Array<[string, string]> {
  const md =
    '## Section\n\nSome *emphasis* and **strong** text, a [link](https://example.org/a_b?c=d) and `code`. 中文段落，包含一些**重点**内容。\n\n' +
    '- item one with *em*\n- item two with a [link](http://x.org)\n  - nested item\n\n> a quote with **bold**\n\n```js\nconst x = a * b;\n```\n\n| a | b |\n|---|---|\n| *c* | d |\n\n';
  const crawled = readFileSync(path.join(samples, readdirSync(samples).sort()[0]!), 'utf8');
  const [, head = '', body = crawled] = /^(\s*---[\s\S]*?\n---\n)([\s\S]*)$/.exec(crawled) ?? [];
  return [
    ['legit-markdown-5mb.md', fill(CAP - 4096, md, '---\ntitle: Markdown\ndate: 2024-01-01\n---\n')],
    ['legit-table-5mb.md', fill(CAP - 4096, '| *x* | [l](http://e.org) | 中文 |\n', '---\ntitle: Table\n---\n| a | b | c |\n|---|---|---|\n')],
    ['legit-crawled-5mb.txt', fill(CAP - 4096, body, head)],
  ];
}

/** The shape at about `bytes`, made smaller until it is within the size cap (some shapes grow by squares). */
function underCap(shape: Shape, bytes: number): string {
  let text = shape.make(bytes);
  for (let size = Buffer.byteLength(text); size > CAP - 16; size = Buffer.byteLength(text)) {
    bytes = Math.floor(bytes * ((CAP - 1024) / size) ** 2 * 0.99);
    text = shape.make(bytes);
  }
  return text;
}

function writeSeeds(dir: string): string[] {
  const samples = path.join(REPO, 'seeds');
  for (const name of readdirSync(samples)) writeFileSync(path.join(dir, name), readFileSync(path.join(samples, name)));
  const names: string[] = [];
  for (const shape of SHAPES) {
    if (ONLY && !ONLY.includes(shape.name)) continue;
    const ext = shape.name === 'title-without-close' ? 'html' : 'md';
    const sizes: Array<[string, number]> = [[`${shape.name}.${ext}`, shape.issueBytes]];
    if (GROWN) sizes.push([`${shape.name}-5mb.${ext}`, CAP - 1024]);
    for (const [name, bytes] of sizes) {
      writeFileSync(path.join(dir, name), underCap(shape, bytes));
      names.push(name);
    }
  }
  if (!ONLY) {
    for (const [name, text] of legitimate(samples)) {
      writeFileSync(path.join(dir, name), text);
      names.push(name);
    }
  }
  return names;
}

const seedFile = (dir: string, name: string): SeedFile => {
  const st = statSync(path.join(dir, name));
  return { path: name, absPath: path.join(dir, name), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev, root: dir };
};

async function parseEach(dir: string, names: readonly string[]): Promise<void> {
  console.log(`\n1. Each file alone in a parse worker (deadline ${DEADLINE_BASE_MS / 1000} s + ${DEADLINE_PER_MB_MS / 1000} s/MB, heap ${WORKER_MEMORY_MB} MB)\n`);
  console.log(`${'file'.padEnd(34)} ${'size'.padStart(9)}  ${'ms'.padStart(7)}  outcome`);
  const pool = new ParsePool();
  try {
    await pool.parseOne(seedFile(dir, readdirSync(dir).sort()[0]!), CAP); // start-up is no file's time
    for (const name of names) {
      const file = seedFile(dir, name);
      const started = performance.now();
      const result = await pool.parseOne(file, CAP);
      const ms = performance.now() - started;
      const outcome = 'reason' in result ? `rejected: ${result.reason}` : `parsed: ${result.contentHtml.length.toLocaleString('en')} chars of HTML${result.notes.length ? `; ${result.notes.join('; ')}` : ''}`;
      console.log(`${name.padEnd(34)} ${(file.size / 1024).toFixed(0).padStart(7)}KB  ${ms.toFixed(0).padStart(7)}  ${outcome.slice(0, 150)}`);
    }
  } finally {
    await pool.close();
  }
}

/** A free port on 127.0.0.1 (the service is told it: it prints its address only after its first scan). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

interface Sample {
  readonly ms: number;
  readonly status: number;
}

function get(agent: http.Agent, port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/**
 * `clients` loops asking `urlPath` until `until()` says stop, each `pauseMs` after the last answer
 * (0: back to back); connection errors (not listening yet) are skipped.
 */
async function hammer(port: number, urlPath: string, until: () => boolean, clients = CLIENTS, pauseMs = 0): Promise<Sample[]> {
  const samples: Sample[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!until()) {
        const started = performance.now();
        try {
          const { status } = await get(agent, port, urlPath);
          samples.push({ ms: performance.now() - started, status });
          if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  agent.destroy();
  return samples;
}

/**
 * A client due to ask every `intervalMs`: each ask's latency counts from when it was due, so a
 * stall of 10 s is a thousand late asks, not one slow answer ("coordinated omission").
 */
async function probe(port: number, urlPath: string, until: () => boolean, intervalMs = 10): Promise<Sample[]> {
  const samples: Sample[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let due = performance.now();
  while (!until()) {
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let status = 0;
    try {
      status = (await get(agent, port, urlPath)).status;
    } catch {
      due += intervalMs; // not listening yet
      continue;
    }
    const done = performance.now();
    for (; due <= done; due += intervalMs) samples.push({ ms: done - due, status });
  }
  agent.destroy();
  return samples;
}

function summary(label: string, samples: readonly Sample[]): string {
  if (samples.length === 0) return `${label}: no answers`;
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  const statuses = [...new Set(samples.map((s) => s.status))].join('/');
  return `${label.padEnd(40)} ${String(samples.length).padStart(6)} (${statuses})  p50 ${at(0.5).padStart(6)} ms  p99 ${at(0.99).padStart(7)} ms  max ${ms.at(-1)!.toFixed(1).padStart(8)} ms`;
}

interface Health {
  readonly scanning?: boolean;
  readonly lastScan?: { readonly at: string; readonly durationMs: number; readonly ok: boolean } | null;
  readonly rejected?: number;
  readonly articles?: number;
}

async function health(port: number): Promise<Health | undefined> {
  const agent = new http.Agent();
  try {
    return JSON.parse((await get(agent, port, '/healthz')).body) as Health;
  } catch {
    return undefined;
  } finally {
    agent.destroy();
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20 * 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function serveAndHammer(root: string, seeds: string): Promise<void> {
  const repo = SERVED_REPO ?? REPO;
  console.log(`\n2. The service (node bin/seedfeed.js serve${SERVED_REPO ? ` of ${repo}, as built there` : ', dist/ built from src/ first'}) over the same files\n`);
  if (!SERVED_REPO) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, stdio: 'ignore' });
    } catch {
      console.log('   (tsc reported errors elsewhere in the tree; dist/ was emitted anyway)');
    }
  }
  const port = await freePort();
  const flags = ['--seeds', seeds, '--out', path.join(root, 'out'), '--data-dir', path.join(root, 'data'), '--host', '127.0.0.1', '--port', String(port)];
  const child: ChildProcess = spawn(process.execPath, [path.join(repo, 'bin/seedfeed.js'), 'serve', ...flags, '--no-watch', '--cron', '0 0 1 1 *', '--log-format', 'json', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    let firstDone = false;
    const started = performance.now();
    const watcher = waitFor(async () => {
      const h = await health(port);
      firstDone = !!h?.lastScan && h.scanning === false;
      return firstDone;
    }, 'the first scan');
    const [first, firstProbe] = await Promise.all([hammer(port, '/healthz', () => firstDone), probe(port, '/healthz', () => firstDone)]);
    await watcher;
    const h1 = (await health(port))!;
    console.log(`first scan: ${(h1.lastScan!.durationMs / 1000).toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s from start), ${h1.articles} articles, ${h1.rejected} rejected`);
    console.log(summary('/healthz due every 10 ms (from when due)', firstProbe));
    console.log(summary(`/healthz, ${CLIENTS} clients back to back`, first));

    // Every file touched: the rescan parses each again (in the warm worker, or all of them after a big scan).
    const now = new Date();
    for (const name of readdirSync(seeds)) utimesSync(path.join(seeds, name), now, now);
    const before = h1.lastScan!.at;
    let rescanDone = false;
    const rescanWatcher = waitFor(async () => {
      const h = await health(port);
      rescanDone = !!h?.lastScan && h.lastScan.at !== before && h.scanning === false;
      return rescanDone;
    }, 'the rescan');
    child.kill('SIGHUP');
    // /rss.xml (megabytes here: the feeds carry the hostile bodies) one request at a time, 250 ms apart.
    const [healthz, healthzProbe, rss] = await Promise.all([
      hammer(port, '/healthz', () => rescanDone),
      probe(port, '/healthz', () => rescanDone),
      hammer(port, '/rss.xml', () => rescanDone, 1, 250),
    ]);
    await rescanWatcher;
    const h2 = (await health(port))!;
    console.log(`rescan (SIGHUP, every file touched): ${(h2.lastScan!.durationMs / 1000).toFixed(1)} s, ${h2.articles} articles, ${h2.rejected} rejected`);
    console.log(summary('/healthz due every 10 ms (from when due)', healthzProbe));
    console.log(summary(`/healthz, ${CLIENTS} clients back to back`, healthz));
    console.log(summary('/rss.xml, one every 250 ms', rss));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (stderr.trim()) console.log(`\nservice log (warnings and errors):\n${stderr.trim().split('\n').slice(0, 20).join('\n')}`);
  }
}

const root = mkdtempSync(path.join(os.tmpdir(), 'seedfeed-stall-'));
try {
  const seeds = path.join(root, 'seeds');
  mkdirSync(seeds);
  const names = writeSeeds(seeds);
  console.log(`seedfeed stall bench, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.availableParallelism()} cores; ${names.length} files in ${seeds}`);
  if (PARSE_EACH) await parseEach(seeds, names);
  await serveAndHammer(root, seeds);
} finally {
  rmSync(root, { recursive: true, force: true });
}
