import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { rng, sentencesFrom } from '../bench/corpus.js';
import { Checker, identityTag, type Observation } from './checks.js';
import { hubDeliveries, startHubSubscribers, SUBSCRIBER_HOSTS } from './hub-subscribers.js';
import { seedFile } from './seed-file.js';
import { collectGarbage, GC_ON_SIGNAL, rssOf, startServe } from './server.js';
import { parseToolArgs, usageError } from '../shared/args.js';
import { tsxWorker } from '../shared/tsx.js';

/**
 * `npm run loadtest [-- --duration 60 --clients 200 --articles 200 --subscribers 10000]`: starts
 * `seedfeed serve` over a temporary seeds directory, then lets `clients` concurrent clients poll
 * every feed with conditional GETs while a writer adds or edits one seed file every second. Every
 * response is checked (see checks.ts); the report ends with PASS or FAIL and the exit code follows
 * it.
 *
 * With `--subscribers N`, the built-in WebSub hub starts with N subscriptions to /rss.xml
 * (hub-subscribers.ts): every change is then a wave of N deliveries while the clients poll, and
 * every response is still checked. (The clients here saturate both cores, so latencies are
 * queueing; hub-latency.ts measures what a wave adds to feed requests at a steady rate.)
 */
const OPTIONS = {
  duration: { type: 'string', value: 'S', default: '60', help: 'seconds of polling and writing' },
  clients: { type: 'string', value: 'N', default: '200', help: 'concurrent polling clients' },
  articles: { type: 'string', value: 'N', default: '200', help: 'seed articles to start with' },
  subscribers: {
    type: 'string',
    value: 'N',
    help: 'WebSub subscriptions to /rss.xml (none without it)',
  },
} as const;
const TOOL = {
  command: 'npx tsx tools/loadtest/run.ts',
  about:
    'Polls every feed of `seedfeed serve` (dist/ built: npm run build) while a writer changes a seed file\nevery second, and checks every response. Ends with PASS or FAIL; the exit code follows it.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const positive = (name: keyof typeof OPTIONS, text: string) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    usageError(TOOL, OPTIONS, `--${name} must be a positive number`);
  return n;
};
const durationS = positive('duration', args.duration);
const clients = positive('clients', args.clients);
const articles = positive('articles', args.articles);
const subscribers =
  args.subscribers === undefined ? 0 : Math.floor(positive('subscribers', args.subscribers));
const FEED_LIMIT = 50;
const CATEGORIES = [
  'city',
  'transport',
  'economy',
  'science',
  'culture',
  'sport',
  'health',
  'weather',
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function writeCorpus(seeds: string, pool: readonly string[]): Promise<void> {
  const random = rng(42);
  for (let i = 0; i < articles; i++) {
    const paragraphs = Array.from({ length: random.int(2, 4) }, () =>
      Array.from({ length: 2 }, () => random.pick(pool)).join(''),
    );
    const date = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000);
    const categories = [
      CATEGORIES[i % CATEGORIES.length]!,
      ...(i % 5 === 0 ? [CATEGORIES[(i + 3) % CATEGORIES.length]!] : []),
    ];
    await writeFile(
      path.join(seeds, `base-${String(i).padStart(4, '0')}.md`),
      seedFile(`Base article ${i}`, date, categories, paragraphs),
    );
  }
}

function startServer(
  seeds: string,
  out: string,
  data: string,
): Promise<{ child: ChildProcess; origin: string }> {
  // The subscribers are on loopback addresses, which the hub refuses unless told otherwise.
  const hub = subscribers > 0 ? ['--hub-allow', '127.0.0.0/8'] : [];
  return startServe({
    seeds,
    out,
    data,
    limit: FEED_LIMIT,
    nodeArgs: GC_ON_SIGNAL,
    serveArgs: hub,
    onStderr: (chunk) => {
      for (const line of chunk.split('\n'))
        if (line && !line.includes('loadtest_gc')) process.stderr.write(`server: ${line}\n`);
    },
  });
}

interface Got {
  readonly status: number;
  readonly etag: string | undefined;
  readonly body: Buffer;
}

function request(
  agent: http.Agent,
  origin: string,
  sitePath: string,
  headers: Record<string, string>,
): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${origin}${sitePath}`, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        resolve({ status: res.statusCode!, etag: res.headers.etag, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Every feed: the three site-wide ones and each category's three (from the OPML). */
async function feedPaths(agent: http.Agent, origin: string): Promise<string[]> {
  const opml = (await request(agent, origin, '/opml.xml', {})).body.toString('utf8');
  const rss = [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map(
    (m) => new URL(m[1]!.replace(/&amp;/g, '&')).pathname,
  );
  const paths = new Set(['/rss.xml', '/atom.xml', '/feed.json']);
  for (const p of rss)
    for (const name of ['rss.xml', 'atom.xml', 'feed.json']) paths.add(p.replace(/[^/]+$/, name));
  return [...paths];
}

/** The hub's delivery counters. */
async function deliveries(
  agent: http.Agent,
  origin: string,
): Promise<{ ok: number; failed: number }> {
  return hubDeliveries((await request(agent, origin, '/metrics', {})).body.toString('utf8'));
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
    : NaN;
}

async function main(): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-loadtest-'));
  const seeds = path.join(work, 'seeds');
  await mkdir(seeds);
  const pool = await sentencesFrom(fileURLToPath(new URL('../../seeds', import.meta.url)));
  await writeCorpus(seeds, pool);
  const data = path.join(work, 'data');
  const hubSubscribers = subscribers > 0 ? await startHubSubscribers(data, subscribers) : undefined;
  const { child: server, origin } = await startServer(seeds, path.join(work, 'out'), data);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const checker = new Checker(FEED_LIMIT);
  let writes = 0;
  try {
    const paths = await feedPaths(agent, origin);
    // Warm-up: every feed once in each encoding, then settle and measure.
    for (const p of paths)
      for (const enc of ['identity', 'gzip'])
        await request(agent, origin, p, { 'accept-encoding': enc });
    await sleep(2_000);
    const before = await collectGarbage(server);
    const loadBefore = os.loadavg()[0]!.toFixed(1);

    // Resident memory sampled through the run: a delivery wave must not hold a body per subscriber.
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssOf(server.pid!));
    }, 250);
    const hubBefore = hubSubscribers ? await deliveries(agent, origin) : undefined;
    const latencies: number[] = [];
    const socketErrors: string[] = [];
    const endAt = performance.now() + durationS * 1000;
    const random = rng(7);

    // The writer runs in its own thread: 200 clients checking bodies keep this event loop busy,
    // and its one change per second must not wait for them.
    const writer = tsxWorker(new URL('./writer.ts', import.meta.url), {
      workerData: {
        seeds,
        articles,
        categories: CATEGORIES,
        pool,
        untilMs: durationS * 1000 - 500,
      },
    });
    writer.on('message', (m: { created?: number; writes?: number }) => {
      if (m.created !== undefined) checker.articleCreated(m.created);
      if (m.writes !== undefined) writes = m.writes;
    });
    const writerDone = new Promise<void>((resolve, reject) => {
      writer.once('exit', () => resolve());
      writer.once('error', reject);
    });

    const client = async () => {
      const copies = new Map<string, string>();
      while (performance.now() < endAt) {
        const sitePath = random.pick(paths);
        const encoding = random.next() < 0.25 ? 'gzip' : 'identity';
        const key = `${encoding} ${sitePath}`;
        const sentEtag = copies.get(key);
        const headers: Record<string, string> = {
          'accept-encoding': encoding,
          ...(sentEtag ? { 'if-none-match': sentEtag } : {}),
        };
        const sentAt = performance.now();
        let got: Got;
        try {
          got = await request(agent, origin, sitePath, headers);
        } catch (error) {
          socketErrors.push(`${sitePath}: ${(error as Error).message}`);
          continue;
        }
        const receivedAt = performance.now();
        latencies.push(receivedAt - sentAt);
        const observation: Observation = {
          path: sitePath,
          encoding,
          sentAt,
          receivedAt,
          status: got.status,
          sentEtag: sentEtag && identityTag(sentEtag),
          etag: got.etag,
          ...(got.status === 200 ? { body: got.body } : {}),
        };
        checker.check(observation);
        if (got.status === 200 && got.etag) copies.set(key, got.etag);
      }
    };
    await Promise.all([...Array.from({ length: clients }, client), writerDone]);
    clearInterval(sampler);
    const hubAfter = hubSubscribers ? await deliveries(agent, origin) : undefined;
    const received = hubSubscribers ? await hubSubscribers.report() : undefined;

    // Compared like with like: before the run no client held a connection, so none does now
    // (200 open keep-alive sockets alone hold ~10 MB of buffers in the server).
    agent.destroy();
    await sleep(2_000);
    const after = await collectGarbage(server);
    const sorted = Float64Array.from(latencies).sort();
    const requests = latencies.length + socketErrors.length;
    const byKind = new Map<string, number>();
    for (const v of checker.violations) byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
    const malformed = byKind.get('malformed') ?? 0;
    const statusErrors = byKind.get('status') ?? 0;
    const errors = statusErrors + socketErrors.length;
    const heapRatio = after.heapUsed / before.heapUsed;
    const rssRatio = after.rss / before.rss;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    const lines = [
      `seedfeed load test: ${clients} clients, ${durationS} s, ${paths.length} feeds, ${articles} seed articles, writer every 1 s, Node ${process.version}, ${os.cpus().length} CPUs, load average ${loadBefore} → ${os.loadavg()[0]!.toFixed(1)}`,
      `requests            ${requests} (${(requests / durationS).toFixed(0)}/s): ${checker.counts.ok200} × 200, ${checker.counts.notModified} × 304; ${mb(checker.counts.bytes)} of bodies checked`,
      `latency             p50 ${percentile(sorted, 50).toFixed(2)} ms, p90 ${percentile(sorted, 90).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted.length ? sorted[sorted.length - 1]!.toFixed(1) : '-'} ms`,
      `writer              ${writes} changes (${checker.writerSeen.size} new articles seen in /feed.json); ${checker.versionCount()} feed versions served`,
      `errors              ${errors} (${statusErrors} non-2xx/304, ${socketErrors.length} socket errors)   ${verdict(errors === 0)}`,
      `malformed bodies    ${malformed}   ${verdict(malformed === 0)}`,
      `ETag ≠ body hash    ${byKind.get('etag') ?? 0}   ${verdict(!byKind.get('etag'))}`,
      `304 for a changed feed  ${byKind.get('stale-304') ?? 0}   ${verdict(!byKind.get('stale-304'))}`,
      `older version after a newer one  ${byKind.get('stale-200') ?? 0}   ${verdict(!byKind.get('stale-200'))}`,
      `articles lost       ${byKind.get('lost-article') ?? 0}   ${verdict(!byKind.get('lost-article'))}`,
      `server heap         before ${mb(before.heapUsed)}, after ${mb(after.heapUsed)} (live objects after a full GC): ${((heapRatio - 1) * 100).toFixed(1)}%   ${verdict(heapRatio <= 1.1)}`,
      `server RSS          before ${mb(before.rss)}, after ${mb(after.rss)}: ${((rssRatio - 1) * 100).toFixed(1)}% (memory freed during the run is not all returned to the OS; the heap line is what stays alive)`,
    ];
    lines.push(`server RSS peak     ${mb(peakRss)} during the run (sampled every 250 ms)`);
    let hubOk = true;
    if (hubAfter && hubBefore && received) {
      const delivered = hubAfter.ok - hubBefore.ok;
      hubOk = delivered > 0 && received.badSignatures === 0;
      lines.push(
        `websub              ${subscribers} subscribers of /rss.xml on ${SUBSCRIBER_HOSTS} hosts: ${delivered} deliveries during the run (${(delivered / durationS).toFixed(0)}/s), ${hubAfter.failed - hubBefore.failed} failed; ` +
          `subscribers received ${received.notifications} in all (${mb(received.bytes)}, ${received.signed} signed, ${received.badSignatures} bad signatures)   ${verdict(hubOk)}`,
      );
    }
    for (const v of checker.violations.slice(0, 20))
      lines.push(`  ${v.kind} ${v.path}: ${v.detail}`);
    for (const e of socketErrors.slice(0, 10)) lines.push(`  socket ${e}`);
    const pass =
      errors === 0 && checker.violations.length === 0 && heapRatio <= 1.1 && requests > 0 && hubOk;
    lines.push(pass ? 'PASS' : 'FAIL');
    process.stdout.write(`${lines.join('\n')}\n`);
    return pass ? 0 : 1;
  } finally {
    agent.destroy();
    server.kill('SIGTERM');
    await new Promise((resolve) =>
      server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve),
    );
    await hubSubscribers?.close();
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
