import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/config.js';
import { createSiteServer, listen } from '../../src/http/server.js';
import { assembleService } from '../../src/live/assemble.js';
import { silentLogger } from '../../src/log.js';
import { parseToolArgs, usageError } from '../shared/args.js';
import { tsxNodeArgs } from '../shared/tsx.js';
import { WATCHERS } from './churn-watchers.js';

/**
 * `npx tsx tools/bench/watch-churn.ts [--files 5000] [--modes fs.watch,tree,none]`: how long
 * /healthz takes while 5,000 files are made and then deleted in a new subdirectory of the seeds
 * directory, for each way of watching it. Each mode runs in a process of its own: the service as
 * `seedfeed serve` wires it (127.0.0.1, port 0), the churn in one worker thread, and /healthz
 * asked from another, one request at a time every 10 ms, from the start of the churn until the
 * service has been idle 1 s. "CPU" is the whole process's, the churn's included (see `none`).
 * Then one file is written into a new nested subdirectory: how long until it is served.
 *
 * Modes: `fs.watch` is the watcher before (Node's recursive fs.watch), `tree` the one
 * `seedfeed serve` uses (src/live/watcher.ts), `none` is --no-watch. `parcel` and `chokidar`
 * run only where those packages can be imported (`npm install --no-save @parcel/watcher
 * chokidar@4`); they are not dependencies. A measurement, not a test: nothing passes or fails.
 */
const OPTIONS = {
  files: { type: 'string', value: 'N', default: '5000', help: 'files made and deleted' },
  modes: {
    type: 'string',
    value: 'a,b',
    default: 'fs.watch,tree,none',
    help: `watchers compared, from ${Object.keys(WATCHERS).join(', ')}`,
  },
  mode: {
    type: 'string',
    value: 'NAME',
    help: 'run this one mode in this process and print its result as JSON (what each child does)',
  },
} as const;
const TOOL = {
  command: 'npx tsx tools/bench/watch-churn.ts',
  about:
    'How long /healthz takes while files are made and deleted in a new subdirectory of the seeds directory,\nfor each way of watching it, each in a process of its own. A measurement: nothing passes or fails.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const FILES = Number(args.files);
if (!Number.isInteger(FILES) || FILES < 1)
  usageError(TOOL, OPTIONS, '--files must be a whole number from 1');
const NEVER = '0 0 1 1 *';

interface Result {
  readonly mode: string;
  readonly polls: number;
  /** Polls that got no 200 (a reset connection). */
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly loopMaxMs: number;
  readonly churnMs: number;
  readonly settleMs: number;
  readonly cpuMs: number;
  readonly scans: number;
  readonly newFileMs: number | null;
  readonly error?: string;
}

// ---- One mode, in this process ----

function seedText(i: number): string {
  return `---\ntitle: 批量文章 ${i}\ndate: 2024-02-01 10:00:00 +0800\ncategories:\n - 批量\n---\n<p>第 ${i} 篇。</p>\n`;
}

const CHURN = `
const fs = require('node:fs');
const path = require('node:path');
const { workerData: { dir, files, text } } = require('node:worker_threads');
fs.mkdirSync(dir);
for (let i = 0; i < files; i++) fs.writeFileSync(path.join(dir, 'f' + i + '.md'), text.replace('{i}', String(i)));
for (let i = 0; i < files; i++) fs.unlinkSync(path.join(dir, 'f' + i + '.md'));
fs.rmdirSync(dir);
`;

const POLLER = `
const http = require('node:http');
const { parentPort, workerData: { port } } = require('node:worker_threads');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const latencies = [];
let failed = 0;
let polling = true;
parentPort.on('message', () => (polling = false));
const get = () => new Promise((resolve) => {
  http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (response) => {
    response.resume();
    response.on('end', () => resolve(response.statusCode === 200));
  }).on('error', () => resolve(false));
});
(async () => {
  parentPort.postMessage('ready');
  while (polling) {
    const started = performance.now();
    // A connection the server dropped (its timers fire late after a stall) counts, with its time.
    if (!(await get())) failed++;
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  parentPort.postMessage({ latencies, failed });
})();
`;

function get(
  agent: http.Agent,
  port: number,
  target: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: target, agent }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function runMode(mode: string): Promise<Result> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'seedfeed-churn-'));
  const seeds = path.join(root, 'seeds');
  mkdirSync(seeds);
  for (let i = 0; i < 100; i++) writeFileSync(path.join(seeds, `base-${i}.md`), seedText(i));
  const config = loadConfig(
    {
      seeds,
      out: path.join(root, 'out'),
      'data-dir': path.join(root, 'data'),
      host: '127.0.0.1',
      port: '0',
      cron: NEVER,
      watch: mode !== 'none',
      'base-url': 'http://127.0.0.1:1',
    },
    {},
  );
  const factory = WATCHERS[mode];
  const service = assembleService(config, silentLogger, {
    live: factory ? { watcher: factory } : {},
  });
  const server = createSiteServer((request, env) => service.app.fetch(request, env), {
    hostname: config.host,
  });
  await listen(server, config.host, 0);
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await service.start();
    await service.live.start();
    await sleep(300);

    // Polled from a thread of its own: a poller on the service's event loop could not even send while the loop is held.
    const poller = new Worker(POLLER, { eval: true, workerData: { port } });
    await new Promise((resolve) => poller.once('message', resolve));

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const scansBefore = service.live.scans;
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(CHURN, {
        eval: true,
        workerData: {
          dir: path.join(seeds, 'churn'),
          files: FILES,
          text: seedText(0).replace('批量文章 0', '批量文章 {i}'),
        },
      });
      worker.once('error', reject);
      worker.once('exit', () => resolve());
    });
    const churnMs = performance.now() - started;
    // Settled: no scan running and none started for 1 s (60 s at most).
    let lastScans = -1;
    let since = performance.now();
    while (performance.now() - since < 1000 && performance.now() - started < 60_000) {
      if (service.live.scans !== lastScans || service.live.health().body.scanning) {
        lastScans = service.live.scans;
        since = performance.now();
      }
      await sleep(50);
    }
    const settleMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    loop.disable();
    const polled = new Promise<{ latencies: number[]; failed: number }>((resolve) =>
      poller.once('message', resolve),
    );
    poller.postMessage('stop');
    const { latencies, failed } = await polled;
    await poller.terminate();
    const scans = service.live.scans - scansBefore;

    // Correctness: a file in a new nested subdirectory is served, by the watcher alone.
    let newFileMs: number | null = null;
    if (factory) {
      const wrote = performance.now();
      mkdirSync(path.join(seeds, 'nested', 'deeper'), { recursive: true });
      writeFileSync(path.join(seeds, 'nested', 'deeper', 'late.md'), seedText(999_999));
      while (performance.now() - wrote < 10_000) {
        if ((await get(agent, port, '/rss.xml')).body.includes('批量文章 999999')) {
          newFileMs = performance.now() - wrote;
          break;
        }
        await sleep(25);
      }
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      mode,
      polls: sorted.length,
      failed,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1) ?? 0,
      loopMaxMs: loop.max / 1e6,
      churnMs,
      settleMs,
      cpuMs: (used.user + used.system) / 1000,
      scans,
      newFileMs,
    };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await service.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- The table, one process per mode ----

const fmt = (ms: number | null) =>
  ms === null ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;

async function main(): Promise<void> {
  const child = args.mode;
  if (child) {
    const result = await runMode(child).catch((error: Error) => ({
      mode: child,
      error: error.message,
    }));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    // A watcher that keeps the process alive (or a native thread) must not hold the run up.
    process.exit(0);
  }
  const modes = args.modes.split(',');
  process.stdout.write(
    `/healthz during ${FILES} files made and deleted in a new subdirectory (Node ${process.version}, ${os.cpus().length} cores)\n\n`,
  );
  process.stdout.write(
    '| watcher | polls (failed) | p50 | p99 | max | event loop max | churn | until idle | CPU | scans | new file in new subdir served |\n',
  );
  process.stdout.write(
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n',
  );
  for (const mode of modes) {
    const out = await new Promise<string>((resolve) => {
      const proc = spawn(
        process.execPath,
        tsxNodeArgs(new URL(import.meta.url), '--mode', mode, '--files', String(FILES)),
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let text = '';
      proc.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      proc.on('close', () => resolve(text));
    });
    const line = out.trim().split('\n').at(-1) ?? '{}';
    const r = JSON.parse(line) as Result;
    if (r.error) {
      process.stdout.write(`| ${mode} | not run: ${r.error} |\n`);
      continue;
    }
    process.stdout.write(
      `| ${mode} | ${r.polls} (${r.failed}) | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.maxMs)} | ${fmt(r.loopMaxMs)} | ${fmt(r.churnMs)} | ${fmt(r.settleMs)} | ${fmt(r.cpuMs)} | ${r.scans} | ${fmt(r.newFileMs)} |\n`,
    );
  }
}

await main();
