/**
 * RFC 3229 delta feeds with a real reader: newsboat (Debian package `newsboat`, 2.21 sends
 * `A-IM: feed` with its validators) polls a `seedfeed serve` process through a recording proxy,
 * non-interactively (`-x reload`, its own url file, config and cache). After one new article, its
 * next poll gets a 226 with that one item, and newsboat's cache holds it once, beside the rest.
 * Without newsboat on PATH, the test says so and skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { distinctText, seedMarkdown } from '../support/articles.js';
import { systemTool } from '../support/system-tools.js';
import {
  assertBuilt,
  startServeProcess,
  untilLogged,
  type ServeProcess,
} from '../live/serve-process.js';

const run = promisify(execFile);
// No npm copy of newsboat exists: the machine's own is used even where system tools are hidden.
const newsboat = systemTool('newsboat', { ...process.env, SEEDFEED_TEST_NO_SYSTEM_TOOLS: '' });
if (!newsboat) console.warn('newsboat is not installed: the RFC 3229 reader test is skipped');

interface Exchange {
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: IncomingHttpHeaders;
  };
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A proxy in front of the server that keeps every request and response it passes on. */
async function recordingProxy(target: number) {
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          exchanges.push({
            request: { method: req.method!, url: req.url!, headers: req.headers },
            status: answer.statusCode!,
            headers: answer.headers,
            body,
          });
          res.writeHead(answer.statusCode!, answer.headers);
          res.end(body);
        });
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, exchanges, close: () => new Promise((resolve) => server.close(resolve)) };
}

const article = (i: number, title = `Poll ${i}`) =>
  seedMarkdown({
    title,
    date: new Date(Date.UTC(2025, 0, 1 + i)),
    body: distinctText(`poll ${i}`),
  });
const NEW_TITLE = 'Delta news';

describe.skipIf(!newsboat)('newsboat polls with A-IM: feed', () => {
  let dir: string;
  let serving: ServeProcess;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let reader: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    assertBuilt();
    dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-newsboat-'));
    serving = await startServeProcess(
      dir,
      ['--no-watch', '--base-url', 'https://feeds.example.org'],
      async (seeds) => {
        for (let i = 0; i < 5; i++) await writeFile(path.join(seeds, `p${i}.md`), article(i));
      },
    );
    proxy = await recordingProxy(serving.port);
    const home = path.join(dir, 'home');
    await writeFile(path.join(dir, 'urls'), `http://127.0.0.1:${proxy.port}/rss.xml\n`);
    await writeFile(path.join(dir, 'config'), 'reload-threads 1\n');
    reader = async (...args) =>
      (
        await run(
          newsboat!,
          [
            '-u',
            path.join(dir, 'urls'),
            '-c',
            path.join(dir, 'cache.db'),
            '-C',
            path.join(dir, 'config'),
            ...args,
          ],
          {
            env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home },
            timeout: 20_000,
          },
        )
      ).stdout;
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    if (serving?.alive()) {
      serving.child.kill('SIGTERM');
      await serving.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gets the feed, then a 304, then a 226 with the one new item, and lists it once', async () => {
    // newsboat keeps a feed's validators from its second fetch on (the first has no row to
    // keep them in yet), and sends A-IM: feed only with validators.
    await reader('-x', 'reload');
    expect(await reader('-x', 'print-unread')).toMatch(/^5 unread articles/);
    await reader('-x', 'reload');
    await reader('-x', 'reload');
    expect(proxy.exchanges.map((e) => e.status)).toEqual([200, 200, 304]);
    expect(proxy.exchanges[2]!.request.headers['a-im']).toBe('feed');

    const added = path.join(serving.seeds, 'new.md');
    await writeFile(added, article(9, NEW_TITLE));
    // Last-Modified has whole seconds, and libcurl drops a response whose Last-Modified is not
    // later than the If-Modified-Since it sent (its time condition): a new file written in the
    // same second as the first ones would reach newsboat as no change at all.
    const later = new Date(Date.now() + 5_000);
    await utimes(added, later, later);
    serving.child.kill('SIGHUP');
    await untilLogged(serving, 'scan', (e) => e.articles === 6, 20_000);
    await reader('-x', 'reload');

    const delta = proxy.exchanges[3]!;
    if (process.env.SEEDFEED_SHOW_EXCHANGE)
      console.info(
        JSON.stringify(
          { request: delta.request, status: delta.status, headers: delta.headers },
          null,
          2,
        ),
      );
    expect(delta.request.headers['a-im']).toBe('feed');
    expect(delta.request.headers['if-none-match']).toBe(proxy.exchanges[1]!.headers.etag);
    expect(delta.status).toBe(226);
    expect(delta.headers.im).toBe('feed');
    const text = (
      delta.headers['content-encoding'] === 'gzip' ? gunzipSync(delta.body) : delta.body
    ).toString();
    expect(text.match(/<item>/g)).toHaveLength(1);
    expect(text).toContain(NEW_TITLE);

    expect(await reader('-x', 'print-unread')).toMatch(/^6 unread articles/);
    const sqlite = systemTool('sqlite3', { ...process.env, SEEDFEED_TEST_NO_SYSTEM_TOOLS: '' });
    if (sqlite) {
      const { stdout } = await run(sqlite, [
        path.join(dir, 'cache.db'),
        'SELECT title FROM rss_item ORDER BY title;',
      ]);
      expect(stdout.trim().split('\n')).toEqual([
        NEW_TITLE,
        'Poll 0',
        'Poll 1',
        'Poll 2',
        'Poll 3',
        'Poll 4',
      ]);
    }
    // The next poll names the 226's ETag: the feed is current.
    await reader('-x', 'reload');
    expect(proxy.exchanges[4]!.status).toBe(304);
  }, 60_000);
});
