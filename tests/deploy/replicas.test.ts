/**
 * Replicas agree: two `seedfeed serve` processes over copies of the same seeds (each with its own
 * export, state and data directory, as two machines would have), started at different times,
 * give every URL the same status, bytes, ETag, Last-Modified and other headers; and again after
 * one seed changes in both. No per-process state (start time, scan time, first-seen times) may
 * reach a response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { distinctText, seedMarkdown, type SeedArticle } from '../support/articles.js';
import { REPO } from '../support/site.js';
import {
  assertBuilt,
  startServeProcess,
  untilLogged,
  type ServeProcess,
} from '../live/serve-process.js';

const BASE = 'https://feeds.example.org/news';
/** The seeds' files all carry this time (rsync -t keeps mtimes alike on two machines). */
const MTIME = new Date('2026-03-01T12:00:00Z');
const EDITED_MTIME = new Date('2026-03-02T08:30:00Z');
const MAX_URLS = 3_000;
const ENCODINGS: Record<string, string>[] = [{}, { 'accept-encoding': 'gzip' }];
/** Headers that may differ: when the response was made, and the connection's own. */
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

const extra = (i: number): SeedArticle => ({
  title: `Replica ${i}`,
  date: new Date(Date.UTC(2025, 5, 1 + i)),
  body: distinctText(`replica ${i}`),
  categories: [i % 2 ? 'Odd' : 'Even', 'Replicas'],
  tags: [`tag-${i % 3}`],
  author: i % 2 ? 'Ann' : 'Bo',
});

async function writeSeeds(seeds: string): Promise<void> {
  const samples = path.join(REPO, 'seeds');
  for (const name of await readdir(samples))
    await copyFile(path.join(samples, name), path.join(seeds, name));
  for (let i = 0; i < 8; i++) await writeFile(path.join(seeds, `r${i}.md`), seedMarkdown(extra(i)));
  // Crawled text without a date: its date is the file's first-seen modification time.
  await writeFile(
    path.join(seeds, 'undated.txt'),
    `An undated note\n\n${distinctText('undated')}\n`,
  );
  for (const name of await readdir(seeds)) await utimes(path.join(seeds, name), MTIME, MTIME);
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function fetchAnswer(
  origin: string,
  target: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(`${origin}${target}`, { headers, redirect: 'manual' });
  const kept: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!PER_RESPONSE.has(name)) kept[name] = value;
  });
  return {
    status: response.status,
    headers: kept,
    body: Buffer.from(await response.arrayBuffer()).toString('base64'),
  };
}

/** Same-site request targets named in a document: absolute links on BASE and root-relative ones. */
function linksIn(text: string): string[] {
  const found: string[] = [];
  const decoded = text.replaceAll('&amp;', '&').replaceAll('\\/', '/');
  const prefix = new URL(BASE).pathname;
  for (const m of decoded.matchAll(/https:\/\/feeds\.example\.org(\/news\/[^\s"'<>)\\]*)/g))
    found.push(m[1]!);
  for (const m of decoded.matchAll(/(?:href|src|action)="(\/[^"]*)"/g))
    if (m[1]!.startsWith(`${prefix}/`)) found.push(m[1]!);
  return found.map((target) => target.split('#')[0]!);
}

/**
 * Every URL reachable from the index, the OPML and the feeds (pages, feeds, archive pages,
 * article pages), asked of both replicas, plainly and gzipped; the differences found.
 */
async function compare(
  a: ServeProcess,
  b: ServeProcess,
): Promise<{ urls: number; differences: string[] }> {
  const prefix = new URL(BASE).pathname;
  const queue = [
    '/',
    '/opml.xml',
    '/rss.xml',
    '/atom.xml',
    '/feed.json',
    '/sitemap.xml',
    '/robots.txt',
    '/no/such/page',
    '/?q=Replica',
    '/rss.xml?limit=2',
    '/feed.json?filter=Replica',
    '/atom.xml?opencc=s2t',
  ].map((p) => `${prefix}${p}`);
  const seen = new Set(queue);
  const differences: string[] = [];
  while (queue.length) {
    const target = queue.shift()!;
    for (const headers of ENCODINGS) {
      const [x, y] = await Promise.all([
        fetchAnswer(a.origin, target, headers),
        fetchAnswer(b.origin, target, headers),
      ]);
      const what = `${target}${Object.keys(headers).length ? ' (gzip)' : ''}`;
      if (x.status !== y.status) differences.push(`${what}: status ${x.status} ≠ ${y.status}`);
      for (const name of new Set([...Object.keys(x.headers), ...Object.keys(y.headers)]))
        if (x.headers[name] !== y.headers[name])
          differences.push(`${what}: ${name} ${x.headers[name]} ≠ ${y.headers[name]}`);
      if (x.body !== y.body) differences.push(`${what}: bodies differ`);
      if (Object.keys(headers).length || x.status !== 200) continue;
      for (const link of linksIn(Buffer.from(x.body, 'base64').toString('utf8')))
        if (!seen.has(link) && seen.size < MAX_URLS) {
          seen.add(link);
          queue.push(link);
        }
    }
  }
  return { urls: seen.size, differences };
}

const dirs: string[] = [];
let a: ServeProcess;
let b: ServeProcess;

async function replica(): Promise<ServeProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-replica-'));
  dirs.push(dir);
  return startServeProcess(dir, ['--base-url', BASE, '--no-watch', '--limit', '4'], writeSeeds);
}

beforeAll(async () => {
  assertBuilt();
  a = await replica();
  // Another second, as another machine would start at another time.
  await sleep(1_100);
  b = await replica();
}, 60_000);

afterAll(async () => {
  for (const p of [a, b]) {
    if (p?.alive()) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('two replicas over the same seeds', () => {
  it('give every URL the same status, bytes, ETag, Last-Modified and headers', async () => {
    const { urls, differences } = await compare(a, b);
    expect(urls).toBeGreaterThan(40);
    expect(differences).toEqual([]);
  }, 60_000);

  it('and again after one seed changes in both', async () => {
    const before = await fetch(`${a.origin}/news/categories/odd/rss.xml`);
    for (const p of [a, b]) {
      const file = path.join(p.seeds, 'r3.md');
      await writeFile(file, seedMarkdown({ ...extra(3), title: 'Replica 3, corrected' }));
      await utimes(file, EDITED_MTIME, EDITED_MTIME);
      p.child.kill('SIGHUP');
      await sleep(1_100);
    }
    for (const p of [a, b]) await untilLogged(p, 'scan', (e) => e.changed === 1, 20_000);
    const { urls, differences } = await compare(a, b);
    expect(urls).toBeGreaterThan(40);
    expect(differences).toEqual([]);
    const feed = await fetch(`${a.origin}/news/categories/odd/rss.xml`);
    expect(feed.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(await feed.text()).toContain('Replica 3, corrected');
  }, 60_000);
});
