import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParsePool } from '../../src/workers/pool.js';
import {
  DEADLINE_BASE_MS,
  DEADLINE_PER_MB_MS,
  WORKER_MEMORY_MB,
} from '../../src/workers/pool-options.js';
import type { SeedFile } from '../../src/model.js';
import { serveArgv } from '../shared/serve-command.js';
import { parseToolArgs, usageError } from '../shared/args.js';
import { CAP, writeSeeds } from './hostile-seeds.js';
import { freePort, get, hammer, probe, summary } from './http-sampling.js';

/**
 * `npx tsx tools/bench/stall.ts [--only name,…] [--no-grown] [--clients 2] [--no-parse] [--repo DIR]`: does one seed file still
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

const OPTIONS = {
  only: {
    type: 'string',
    value: 'name,…',
    help: 'only these hostile shapes, and no legitimate 5 MB articles',
  },
  'no-grown': {
    type: 'boolean',
    help: 'each shape at its size in the issue only, not grown to the 5 MB cap',
  },
  clients: {
    type: 'string',
    value: 'N',
    default: '2',
    help: '/healthz clients asking back to back',
  },
  'no-parse': { type: 'boolean', help: 'skip part 1 (each file alone in a parse worker)' },
  repo: {
    type: 'string',
    value: 'DIR',
    help: 'in part 2, the service of this checkout (its dist/ as built there), for a before-and-after',
  },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/stall.ts',
  about:
    'Does one seed file still stall the server? 1. parses each hostile file alone; 2. serves them all\nand asks /healthz during the first scan and a rescan. A measurement: nothing passes or fails.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const ONLY = args.only?.split(',');
const SERVED_REPO = args.repo;
const PARSE_EACH = !args['no-parse'];
const GROWN = !args['no-grown'];
const CLIENTS = Number(args.clients);
if (!Number.isInteger(CLIENTS) || CLIENTS < 1)
  usageError(TOOL, OPTIONS, '--clients must be a whole number from 1');
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const seedFile = (dir: string, name: string): SeedFile => {
  const st = statSync(path.join(dir, name));
  return {
    path: name,
    absPath: path.join(dir, name),
    size: st.size,
    mtimeMs: st.mtimeMs,
    ino: st.ino,
    dev: st.dev,
    root: dir,
  };
};

async function parseEach(dir: string, names: readonly string[]): Promise<void> {
  console.log(
    `\n1. Each file alone in a parse worker (deadline ${DEADLINE_BASE_MS / 1000} s + ${DEADLINE_PER_MB_MS / 1000} s/MB, heap ${WORKER_MEMORY_MB} MB)\n`,
  );
  console.log(`${'file'.padEnd(34)} ${'size'.padStart(9)}  ${'ms'.padStart(7)}  outcome`);
  const pool = new ParsePool();
  try {
    await pool.parseOne(seedFile(dir, readdirSync(dir).sort()[0]!), CAP); // start-up is no file's time
    for (const name of names) {
      const file = seedFile(dir, name);
      const started = performance.now();
      const result = await pool.parseOne(file, CAP);
      const ms = performance.now() - started;
      const outcome =
        'reason' in result
          ? `rejected: ${result.reason}`
          : `parsed: ${result.contentHtml.length.toLocaleString('en')} chars of HTML${result.notes.length ? `; ${result.notes.join('; ')}` : ''}`;
      console.log(
        `${name.padEnd(34)} ${(file.size / 1024).toFixed(0).padStart(7)}KB  ${ms.toFixed(0).padStart(7)}  ${outcome.slice(0, 150)}`,
      );
    }
  } finally {
    await pool.close();
  }
}

interface Health {
  readonly scanning?: boolean;
  readonly lastScan?: {
    readonly at: string;
    readonly durationMs: number;
    readonly ok: boolean;
  } | null;
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

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  ms = 20 * 60_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function serveAndHammer(root: string, seeds: string): Promise<void> {
  const repo = SERVED_REPO ?? REPO;
  console.log(
    `\n2. The service (node bin/seedfeed.js serve${SERVED_REPO ? ` of ${repo}, as built there` : ', dist/ built from src/ first'}) over the same files\n`,
  );
  if (!SERVED_REPO) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, stdio: 'ignore' });
    } catch {
      console.log('   (tsc reported errors elsewhere in the tree; dist/ was emitted anyway)');
    }
  }
  const port = await freePort();
  const dirs = { seeds, out: path.join(root, 'out'), data: path.join(root, 'data') };
  const child: ChildProcess = spawn(
    process.execPath,
    serveArgv(
      dirs,
      [
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--no-watch',
        '--cron',
        '0 0 1 1 *',
        '--log-level',
        'warn',
      ],
      { repo },
    ),
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
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
    const [first, firstProbe] = await Promise.all([
      hammer(port, '/healthz', () => firstDone, CLIENTS),
      probe(port, '/healthz', () => firstDone),
    ]);
    await watcher;
    const h1 = (await health(port))!;
    console.log(
      `first scan: ${(h1.lastScan!.durationMs / 1000).toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s from start), ${h1.articles} articles, ${h1.rejected} rejected`,
    );
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
      hammer(port, '/healthz', () => rescanDone, CLIENTS),
      probe(port, '/healthz', () => rescanDone),
      hammer(port, '/rss.xml', () => rescanDone, 1, 250),
    ]);
    await rescanWatcher;
    const h2 = (await health(port))!;
    console.log(
      `rescan (SIGHUP, every file touched): ${(h2.lastScan!.durationMs / 1000).toFixed(1)} s, ${h2.articles} articles, ${h2.rejected} rejected`,
    );
    console.log(summary('/healthz due every 10 ms (from when due)', healthzProbe));
    console.log(summary(`/healthz, ${CLIENTS} clients back to back`, healthz));
    console.log(summary('/rss.xml, one every 250 ms', rss));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (stderr.trim())
      console.log(
        `\nservice log (warnings and errors):\n${stderr.trim().split('\n').slice(0, 20).join('\n')}`,
      );
  }
}

const root = mkdtempSync(path.join(os.tmpdir(), 'seedfeed-stall-'));
try {
  const seeds = path.join(root, 'seeds');
  mkdirSync(seeds);
  const names = writeSeeds(seeds, { samples: path.join(REPO, 'seeds'), only: ONLY, grown: GROWN });
  console.log(
    `seedfeed stall bench, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.availableParallelism()} cores; ${names.length} files in ${seeds}`,
  );
  if (PARSE_EACH) await parseEach(seeds, names);
  await serveAndHammer(root, seeds);
} finally {
  rmSync(root, { recursive: true, force: true });
}
