/**
 * `seedfeed serve` as a process (the compiled CLI, built by tests/global-setup.ts): SIGTERM stops taking
 * connections, lets the responses in flight finish — 12 MB feeds to a client that has not read
 * them yet, so they are still being sent — and exits 0; a bad --cron exits 2 with one line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { rssItems, seedText, until } from './harness.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'seedfeed.js');

// tests/global-setup.ts built dist/ from the current src/ before any test file started (a
// build here would rewrite dist/ while other test files run the CLI).
beforeAll(() => {
  if (!existsSync(path.join(REPO, 'dist', 'cli.js')))
    throw new Error(
      'dist/ is not built: run the suite through vitest.config.ts (its globalSetup builds it)',
    );
});

let root: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-serve-'));
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Pseudo-random Chinese paragraphs, distinct per seed: bodies that do not compress to nothing. */
function longBody(seed: number, bytes: number): string {
  const chars =
    '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反';
  let x = seed * 7919 + 1;
  const paragraphs: string[] = [];
  for (let length = 0; length < bytes; length += 600) {
    let p = '';
    for (let k = 0; k < 200; k++) {
      // Math.imul: a plain product exceeds 2^53, loses its low bits and makes every body the same text.
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      p += chars[x % chars.length];
    }
    paragraphs.push(p);
  }
  return paragraphs.join('。</p>\n<p>');
}

interface Serving {
  readonly child: ChildProcess;
  readonly port: number;
  readonly out: string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function startServe(name: string, seeds: (dir: string) => Promise<void>): Promise<Serving> {
  const seedsDir = path.join(root, name, 'seeds');
  const out = path.join(root, name, 'out');
  await mkdir(seedsDir, { recursive: true });
  await seeds(seedsDir);
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--seeds', seedsDir, '--out', out, '--port', '0', '--no-watch'],
    {
      cwd: REPO,
      env: { ...process.env, SEEDFEED_LOG_FORMAT: 'json', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const port = await until(
    `the "seedfeed is serving" line (stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)})`,
    () => {
      if (child.exitCode !== null)
        expect.fail(`seedfeed serve exited ${child.exitCode}: ${stderr}`);
      const m = /^seedfeed is serving .+ at http:\/\/127\.0\.0\.1:(\d+)\/$/m.exec(stdout);
      return m ? Number(m[1]) : undefined;
    },
    25_000,
  );
  return { child, port, out, stderr: () => stderr, exited };
}

/** A GET whose response is not read until asked: resolves at the headers, body paused. */
function openRequest(
  port: number,
  sitePath: string,
  agent: http.Agent,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port,
          path: sitePath,
          agent,
          headers: { 'accept-encoding': 'identity' },
        },
        resolve,
      )
      .on('error', reject);
  });
}

function readAll(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () =>
      response.complete
        ? resolve(Buffer.concat(chunks))
        : reject(new Error('response ended incomplete')),
    );
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('response aborted')));
  });
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

const logEvents = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { event: string }).event);

describe('seedfeed serve and SIGTERM', () => {
  it('SIGTERM stops accepting, completes 12 MB responses still being sent, and exits 0', async () => {
    // 50 articles of ~240 KB: each of the three site feeds is about 12 MB, far more than the
    // socket buffers hold, so an unread response is still in the server's hands.
    const serving = await startServe('big', async (dir) => {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          writeFile(
            path.join(dir, `big-${i}.md`),
            seedText({ title: `长文 ${i}`, day: 1 + (i % 28), body: longBody(i, 240_000) }),
          ),
        ),
      );
    });
    const { child, port, out } = serving;
    const paths = ['/rss.xml', '/atom.xml', '/feed.json'];
    const oneShot = new http.Agent({ keepAlive: false });
    const keepAlive = new http.Agent({ keepAlive: true });
    const responses = await Promise.all([
      ...paths.map((p) => openRequest(port, p, oneShot)),
      openRequest(port, '/feed.json', keepAlive),
    ]);
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect(Number(response.headers['content-length'])).toBeGreaterThan(10_000_000);
    }
    // An idle keep-alive connection (a finished request) must not hold the shutdown up.
    const idle = await openRequest(port, '/healthz', keepAlive);
    expect(idle.statusCode).toBe(200);
    expect(JSON.parse((await readAll(idle)).toString())).toMatchObject({
      status: 'ok',
      articles: 50,
    });

    const sentAt = Date.now();
    child.kill('SIGTERM');
    await until(
      'the listening socket to close after SIGTERM',
      async () => ((await connectionRefused(port)) ? true : undefined),
      4_000,
    );
    // Still running: it waits for the responses in flight.
    expect(child.exitCode).toBe(null);
    expect(child.signalCode).toBe(null);

    const bodies = await Promise.all(responses.map(readAll));
    const exported = await Promise.all(
      ['rss.xml', 'atom.xml', 'feed.json', 'feed.json'].map((f) => readFile(path.join(out, f))),
    );
    bodies.forEach((body, i) => {
      expect(body.length).toBe(Number(responses[i]!.headers['content-length']));
      expect(body.equals(exported[i]!)).toBe(true);
    });
    expect(rssItems(bodies[0]!.toString())).toHaveLength(50);

    const exit = await Promise.race([
      serving.exited,
      new Promise<undefined>((resolve) => setTimeout(resolve, 6_000, undefined)),
    ]);
    expect(exit, 'seedfeed serve did not exit within 6 s of SIGTERM').toBeDefined();
    expect(exit!.code).toBe(0);
    expect(exit!.signal).toBe(null);
    expect(exit!.at - sentAt).toBeLessThan(5_000);
    const events = logEvents(serving.stderr());
    expect(events).toContain('shutting_down');
    expect(events).toContain('stopped');
    expect(events).not.toContain('shutdown_forced');
    oneShot.destroy();
    keepAlive.destroy();
  }, 40_000);

  it('SIGTERM on an idle server with a keep-alive client connected exits 0 at once', async () => {
    const serving = await startServe('small', async (dir) => {
      await writeFile(
        path.join(dir, 'a.md'),
        seedText({ title: '小文章', day: 1, categories: ['科技'], body: '一篇很短的文章。' }),
      );
    });
    const keepAlive = new http.Agent({ keepAlive: true });
    const responses = await Promise.all(
      ['/rss.xml', '/categories/%E7%A7%91%E6%8A%80/rss.xml', '/'].map((p) =>
        openRequest(serving.port, p, keepAlive),
      ),
    );
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect((await readAll(response)).length).toBe(Number(response.headers['content-length']));
    }
    const sentAt = Date.now();
    serving.child.kill('SIGTERM');
    const exit = await serving.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - sentAt).toBeLessThan(2_500);
    expect(logEvents(serving.stderr())).toEqual(
      expect.arrayContaining(['scan', 'listening', 'shutting_down', 'stopped']),
    );
    keepAlive.destroy();
  }, 40_000);

  it('with --port 0 the feeds link to the port the system chose, not :0', async () => {
    const serving = await startServe('port0', async (dir) => {
      await writeFile(
        path.join(dir, 'a.md'),
        seedText({ title: '小文章', day: 1, body: '一篇很短的文章。' }),
      );
    });
    const agent = new http.Agent();
    const rss = (await readAll(await openRequest(serving.port, '/rss.xml', agent))).toString();
    const origin = `http://127.0.0.1:${serving.port}`;
    expect(rss).toContain(`<atom:link href="${origin}/rss.xml" rel="self"`);
    expect(rss).toContain(`href="${origin}/websub"`);
    expect(rss).not.toContain('127.0.0.1:0/');
    const exported = await readFile(path.join(serving.out, 'rss.xml'), 'utf8');
    expect(exported).toBe(rss);
    serving.child.kill('SIGTERM');
    expect((await serving.exited).code).toBe(0);
    agent.destroy();
  }, 40_000);

  it('SIGINT exits 0 too', async () => {
    const serving = await startServe('sigint', async (dir) => {
      await writeFile(
        path.join(dir, 'a.md'),
        seedText({ title: '小文章', day: 1, body: '一篇很短的文章。' }),
      );
    });
    serving.child.kill('SIGINT');
    expect((await serving.exited).code).toBe(0);
  }, 40_000);
});

describe('seedfeed serve with a bad option', () => {
  it('a bad --cron exits 2 with a one-line error, before listening', async () => {
    const seeds = path.join(root, 'cron', 'seeds');
    await mkdir(seeds, { recursive: true });
    const result = await run(
      process.execPath,
      [
        BIN,
        'serve',
        '--seeds',
        seeds,
        '--out',
        path.join(root, 'cron', 'out'),
        '--port',
        '0',
        '--cron',
        'every minute',
      ],
      {
        cwd: REPO,
        timeout: 20_000,
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code,
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'seedfeed: --cron: "every minute" is not a valid cron expression (e.g. "*/5 * * * *")\n',
    );
  });

  it('a cron expression with too many fields exits 2 as well', async () => {
    const result = await run(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--cron', '* * * * * * *'],
      { cwd: REPO, timeout: 20_000 },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({
        code: error.code,
        stderr: error.stderr ?? '',
      }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^seedfeed: --cron: /);
  });
});
