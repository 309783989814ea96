import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng, sentencesFrom } from '../bench/corpus.js';
import { startHubSubscribers, SUBSCRIBER_HOSTS } from './hub-subscribers.js';
import { seedFile } from './seed-file.js';
import { rssOf, startServe } from './server.js';
import { parseToolArgs, usageError } from '../shared/args.js';

/**
 * `npm run build && npx tsx tools/loadtest/hub-latency.ts [--subscribers 10000] [--rate 200]
 * [--waves 3] [--quiet 10] [--window 8]`: what a WebSub delivery wave costs the feed requests
 * served at the same time. Starts `seedfeed serve` whose hub has `subscribers` subscriptions to
 * /rss.xml (callbacks on 8 loopback hosts, hub-subscribers.ts), requests feeds at a steady `rate`
 * per second (open loop: a request is sent on schedule whatever the previous ones do, so the
 * latency is the server's, not a queue of our own), first with nothing changing, then for
 * `window` seconds after each of `waves` changes of /rss.xml (the rescan, then a delivery to
 * every subscriber). `--subscribers 0` is the control: the same changes, no hub work. Reports the
 * latency percentiles, how long each wave's deliveries took, and the server's resident memory
 * before the waves and at its peak. PASS when p99 after the changes is under 50 ms.
 */
const OPTIONS = {
  subscribers: {
    type: 'string',
    value: 'N',
    default: '10000',
    help: 'subscriptions to /rss.xml; 0 is the control (no hub work)',
  },
  rate: { type: 'string', value: 'N', default: '200', help: 'feed requests per second' },
  waves: {
    type: 'string',
    value: 'N',
    default: '3',
    help: 'changes of /rss.xml, each a delivery wave',
  },
  quiet: {
    type: 'string',
    value: 'S',
    default: '10',
    help: 'seconds measured with nothing changing',
  },
  window: { type: 'string', value: 'S', default: '8', help: 'seconds measured after each change' },
} as const;
const TOOL = {
  command: 'npx tsx tools/loadtest/hub-latency.ts',
  about:
    'What a WebSub delivery wave costs the feed requests served at the same time, by `seedfeed serve`\n(dist/ built: npm run build). PASS when p99 after the changes is under 50 ms.',
};
const args = parseToolArgs(TOOL, OPTIONS);
const option = (name: keyof typeof OPTIONS, min = 1) => {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < min)
    usageError(TOOL, OPTIONS, `--${name} must be a number from ${min}`);
  return n;
};
const subscribers = option('subscribers', 0);
const windowS = option('window');
const rate = option('rate');
const waves = option('waves');
const quietS = option('quiet');
const P99_BUDGET_MS = 50;
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
const WAVE_DEADLINE_MS = 300_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function startServer(
  seeds: string,
  out: string,
  data: string,
): Promise<{ child: ChildProcess; origin: string }> {
  const onStderr = (chunk: string) => process.stderr.write(`server: ${chunk}`);
  return startServe({
    seeds,
    out,
    data,
    limit: 50,
    serveArgs: ['--hub-allow', '127.0.0.0/8'],
    onStderr,
  });
}

function get(agent: http.Agent, url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { 'accept-encoding': 'identity' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function summary(latencies: number[]): string {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
      : NaN;
  return `${sorted.length} requests: p50 ${at(50).toFixed(2)} ms, p90 ${at(90).toFixed(2)} ms, p99 ${at(99).toFixed(2)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`;
}

const p99 = (latencies: number[]) => {
  const sorted = Float64Array.from(latencies).sort();
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!
    : NaN;
};

/** Feed requests at `rate` per second until `stop()`, each latency kept; errors counted. */
function poll(agent: http.Agent, origin: string, paths: readonly string[]) {
  const latencies: number[] = [];
  let errors = 0;
  let running = true;
  const random = rng(3);
  const interval = 1000 / rate;
  const loop = async () => {
    let next = performance.now();
    while (running) {
      next += interval;
      const sentAt = performance.now();
      get(agent, `${origin}${random.pick(paths)}`).then(
        (got) => (got.status === 200 ? latencies.push(performance.now() - sentAt) : errors++),
        () => errors++,
      );
      await sleep(Math.max(0, next - performance.now()));
    }
  };
  const done = loop();
  return {
    latencies,
    errors: () => errors,
    stop: async () => {
      running = false;
      await done;
      await sleep(200);
    },
  };
}

async function main(): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-hub-latency-'));
  const seeds = path.join(work, 'seeds');
  const data = path.join(work, 'data');
  await mkdir(seeds);
  const pool = await sentencesFrom(fileURLToPath(new URL('../../seeds', import.meta.url)));
  const random = rng(42);
  for (let i = 0; i < 200; i++) {
    const paragraphs = Array.from({ length: random.int(2, 4) }, () =>
      Array.from({ length: 2 }, () => random.pick(pool)).join(''),
    );
    await writeFile(
      path.join(seeds, `base-${i}.md`),
      seedFile(
        `Base article ${i}`,
        new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
        [CATEGORIES[i % CATEGORIES.length]!],
        paragraphs,
      ),
    );
  }
  const hubSubscribers = await startHubSubscribers(data, subscribers);
  const { child: server, origin } = await startServer(seeds, path.join(work, 'out'), data);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const lines: string[] = [];
  let pass = true;
  try {
    // The first scan after a start compares with nothing: a first wave to everyone. Let it pass.
    const startedAt = performance.now();
    // (With no subscribers there is nothing to wait for.)
    while (
      (await hubSubscribers.report()).notifications < subscribers &&
      performance.now() - startedAt < WAVE_DEADLINE_MS
    )
      await sleep(250);
    const firstWaveS = (performance.now() - startedAt) / 1000;
    await sleep(2_000);
    const paths = [
      '/rss.xml',
      '/atom.xml',
      '/feed.json',
      ...CATEGORIES.flatMap((c) =>
        ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `/categories/${c}/${f}`),
      ),
    ];
    for (const p of paths) await get(agent, `${origin}${p}`);
    const rssBefore = rssOf(server.pid!);
    const loadBefore = os.loadavg()[0]!.toFixed(1);

    const quiet = poll(agent, origin, paths);
    await sleep(quietS * 1000);
    await quiet.stop();

    const during: number[] = [];
    let errors = quiet.errors();
    let peakRss = rssBefore;
    const waveLines: string[] = [];
    for (let w = 1; w <= waves; w++) {
      const received = (await hubSubscribers.report()).notifications;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(server.pid!))), 100);
      const poller = poll(agent, origin, paths);
      const waveStart = performance.now();
      // A new article: /rss.xml changes, and every subscriber gets the new version.
      await writeFile(
        path.join(seeds, `wave-${w}.md`),
        seedFile(`Wave ${w}`, new Date(), ['city'], [random.pick(pool)]),
      );
      let firstAt: number | undefined;
      let lastAt = waveStart;
      let now = received;
      const delivered = async () => {
        const count = (await hubSubscribers.report()).notifications;
        if (count > now) [now, lastAt] = [count, performance.now()];
        if (firstAt === undefined && now > received) firstAt = lastAt;
      };
      // Feed requests are measured for a fixed window after the change (the same with 0 subscribers).
      while (performance.now() - waveStart < windowS * 1000) {
        await sleep(100);
        await delivered();
      }
      await poller.stop();
      // The rest of the wave, if any, is not measured.
      while (now < received + subscribers && performance.now() - waveStart < WAVE_DEADLINE_MS) {
        await sleep(100);
        await delivered();
      }
      clearInterval(sampler);
      during.push(...poller.latencies);
      errors += poller.errors();
      const deliveries =
        firstAt === undefined
          ? 'no deliveries'
          : `${now - received} deliveries from ${((firstAt - waveStart) / 1000).toFixed(1)} s to ${((lastAt - waveStart) / 1000).toFixed(1)} s after the write (${((now - received) / Math.max((lastAt - firstAt) / 1000, 0.1)).toFixed(0)}/s)`;
      waveLines.push(
        `wave ${w}             ${deliveries}; feed requests in the first ${windowS} s: ${summary(poller.latencies)}`,
      );
      if (now < received + subscribers) errors++;
      await sleep(2_000);
    }
    const counts = await hubSubscribers.report();
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    const waveP99 = p99(during);
    pass = waveP99 < P99_BUDGET_MS && errors === 0 && counts.badSignatures === 0;
    lines.push(
      `seedfeed hub latency: ${subscribers} subscribers of /rss.xml on ${SUBSCRIBER_HOSTS} hosts, feed requests at ${rate}/s, Node ${process.version}, ${os.cpus().length} CPUs, load average ${loadBefore} → ${os.loadavg()[0]!.toFixed(1)}`,
      `first wave at start ${firstWaveS.toFixed(1)} s for ${subscribers} subscribers`,
      `nothing changing    feed requests ${summary(quiet.latencies)}`,
      ...waveLines,
      `after the changes   feed requests ${summary(during)}`,
      `subscribers         ${counts.notifications} notifications received (${mb(counts.bytes)}, ${counts.signed} signed, ${counts.badSignatures} bad signatures, at most ${counts.maxConcurrent} being received at once)`,
      `server RSS          ${mb(rssBefore)} before the waves, peak ${mb(peakRss)} during them (sampled every 100 ms)`,
      `errors              ${errors}`,
      `p99 after changes   ${waveP99.toFixed(2)} ms (budget ${P99_BUDGET_MS} ms)   ${pass ? 'PASS' : 'FAIL'}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return pass ? 0 : 1;
  } finally {
    agent.destroy();
    server.kill('SIGTERM');
    await new Promise((resolve) =>
      server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve),
    );
    await hubSubscribers.close();
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
