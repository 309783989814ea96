/**
 * Shared helpers for the live-service tests: temporary seeds and out directories, a LiveSite
 * behind a real socket (@hono/node-server on 127.0.0.1, port 0), seed files, requests and polls.
 * Each test file creates one `Sandbox` and calls `sandbox.cleanup()` in afterEach: every
 * LiveSite is stopped, every server closed and every directory removed.
 */
import { expect } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile, utimes } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { load } from 'cheerio';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { LiveSite, type LiveOptions } from '../../src/live/service.js';
import { silentLogger, type Fields, type Logger } from '../../src/log.js';
import { encodePath } from '../../src/render/urls.js';

/** How long a test waits for the watcher to bring a change to the served site. */
export const WATCH_DEADLINE_MS = 5_000;
export const BASE_URL = 'http://127.0.0.1:1';
/** A schedule that never fires during a test: only a trigger or the watcher brings a change. */
export const NEVER = '0 0 1 1 *';

export interface Dirs {
  readonly root: string;
  readonly seeds: string;
  readonly out: string;
  /** Private state (`--data-dir`), e.g. WebSub subscriptions. */
  readonly data: string;
}

export interface Served {
  readonly live: LiveSite;
  readonly server: Server;
  readonly origin: string;
  readonly config: Config;
}

export interface ConfigFlags {
  readonly watch?: boolean;
  readonly cron?: string;
  readonly limit?: number;
}

export function liveConfig(dirs: Dirs, flags: ConfigFlags = {}): Config {
  return loadConfig(
    {
      seeds: dirs.seeds,
      out: dirs.out,
      'data-dir': dirs.data,
      port: '0',
      cron: flags.cron ?? '* * * * *',
      'base-url': BASE_URL,
      watch: flags.watch ?? false,
      ...(flags.limit !== undefined ? { limit: String(flags.limit) } : {}),
    },
    {},
  );
}

export class Sandbox {
  private readonly dirs: string[] = [];
  private readonly lives: LiveSite[] = [];
  private readonly servers: Server[] = [];

  /** A fresh temporary root with an empty `seeds/` and a not-yet-existing `out/`. */
  async makeDirs(): Promise<Dirs> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-live-'));
    this.dirs.push(root);
    const seeds = path.join(root, 'seeds');
    await mkdir(seeds);
    return { root, seeds, out: path.join(root, 'out'), data: path.join(root, 'data') };
  }

  /** A LiveSite (not started, not scanned) that cleanup() stops. */
  live(config: Config, options: Partial<Omit<LiveOptions, 'config'>> = {}): LiveSite {
    const live = new LiveSite({ config, logger: silentLogger, ...options });
    this.lives.push(live);
    return live;
  }

  /** Serves `live` exactly as `seedfeed serve` does, on 127.0.0.1 and a free port. */
  async serve(live: LiveSite): Promise<{ server: Server; origin: string }> {
    const app = createApp({
      site: () => live.current(),
      health: () => live.health(),
      maxAge: 60,
      limit: 50,
      logger: silentLogger,
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      if (server.listening) return resolve();
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  /** Directories + LiveSite + server in one call. */
  async start(
    dirs: Dirs,
    flags: ConfigFlags = {},
    options: Partial<Omit<LiveOptions, 'config'>> = {},
  ): Promise<Served> {
    const config = liveConfig(dirs, flags);
    const live = this.live(config, options);
    const { server, origin } = await this.serve(live);
    return { live, server, origin, config };
  }

  async cleanup(): Promise<void> {
    const lives = this.lives.splice(0);
    const servers = this.servers.splice(0);
    const dirs = this.dirs.splice(0);
    await Promise.all(lives.map((live) => live.stop()));
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

export interface SeedSpec {
  readonly title: string;
  /** Day of January 2024 (10:00 +08:00); omitted: the file has no date at all. */
  readonly day?: number;
  readonly date?: string;
  readonly categories?: readonly string[];
  readonly body: string;
}

/** A small Hexo-style front-matter file. */
export function seedText(spec: SeedSpec): string {
  const date =
    spec.date ??
    (spec.day !== undefined
      ? `2024-01-${String(spec.day).padStart(2, '0')} 10:00:00 +0800`
      : undefined);
  const lines = ['---', `title: ${spec.title}`];
  if (date !== undefined) lines.push(`date: ${date}`);
  if (spec.categories?.length) lines.push('categories:', ...spec.categories.map((c) => ` - ${c}`));
  lines.push('---', `<p>${spec.body}</p>`, '');
  return lines.join('\n');
}

/** Writes a seed file; `mtime`, when given, is its modification time (a Last-Modified source). */
export async function writeSeed(
  seedsDir: string,
  file: string,
  spec: SeedSpec,
  mtime?: Date,
): Promise<void> {
  const target = path.join(seedsDir, file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, seedText(spec));
  if (mtime) await utimes(target, mtime, mtime);
}

export interface Got {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly text: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/**
 * GET with `Accept-Encoding: identity`, so that the body and ETag are those of the stored bytes
 * (fetch would otherwise ask for br/gzip and decode them). `sitePath` is percent-encoded here.
 */
export async function get(
  origin: string,
  sitePath: string,
  headers: Record<string, string> = {},
): Promise<Got> {
  const response = await fetch(`${origin}${encodePath(sitePath)}`, {
    headers: { 'accept-encoding': 'identity', ...headers },
    redirect: 'manual',
  });
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    body,
    text: body.toString('utf8'),
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
  };
}

export async function get200(origin: string, sitePath: string): Promise<Got> {
  const got = await get(origin, sitePath);
  expect(got.status, `GET ${sitePath}`).toBe(200);
  return got;
}

export interface RssItem {
  readonly title: string;
  readonly guid: string;
  readonly link: string;
  readonly pubDate: string;
  readonly categories: string[];
}

export function rssItems(document: string): RssItem[] {
  const $ = load(document, { xml: true });
  return $('item')
    .toArray()
    .map((item) => {
      const el = $(item);
      return {
        title: el.children('title').text(),
        guid: el.children('guid').text(),
        link: el.children('link').text(),
        pubDate: el.children('pubDate').text(),
        categories: el
          .children('category')
          .toArray()
          .map((c) => $(c).text()),
      };
    });
}

export async function feedItems(origin: string, sitePath = '/rss.xml'): Promise<RssItem[]> {
  const got = await get(origin, sitePath);
  if (got.status !== 200) return [];
  return rssItems(got.text);
}

export function itemTitled(items: readonly RssItem[], title: string): RssItem {
  const item = items.find((i) => i.title === title);
  if (!item)
    expect.fail(
      `no item titled ${JSON.stringify(title)} among ${JSON.stringify(items.map((i) => i.title))}`,
    );
  return item;
}

/** `/articles/<id>/` of an item whose link is the article page (seeds here carry no `link:`). */
export function articlePath(item: RssItem): string {
  expect(item.link.startsWith(`${BASE_URL}/articles/`), item.link).toBe(true);
  return item.link.slice(BASE_URL.length);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`
 * with `what` and the last value seen.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = WATCH_DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) expect.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** A logger that keeps every event, for assertions on what the service reported. */
export function recordingLogger(): {
  logger: Logger;
  events: Array<{ level: string; event: string; fields: Fields }>;
} {
  const events: Array<{ level: string; event: string; fields: Fields }> = [];
  const make = (bound: Fields): Logger => ({
    debug: (event, fields = {}) =>
      void events.push({ level: 'debug', event, fields: { ...bound, ...fields } }),
    info: (event, fields = {}) =>
      void events.push({ level: 'info', event, fields: { ...bound, ...fields } }),
    warn: (event, fields = {}) =>
      void events.push({ level: 'warn', event, fields: { ...bound, ...fields } }),
    error: (event, fields = {}) =>
      void events.push({ level: 'error', event, fields: { ...bound, ...fields } }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  return { logger: make({}), events };
}

/** The health body, typed loosely for assertions. */
export interface HealthBody {
  status: string;
  lastScan: { at: string; durationMs: number; ok: boolean; error?: string } | null;
  lastGoodScan: string | null;
  files: number;
  articles: number;
  categories: number;
  scanning: boolean;
}

export async function health(origin: string): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`${origin}/healthz`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}
