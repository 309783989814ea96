/**
 * Bytes an RFC 3229 delta (`A-IM: feed`, 226 IM Used) saves: the all-articles feed of 50 items
 * (the default --limit) over the cached 300-file corpus, asked by a reader that holds the version
 * from before the newest article came; full 200 against 226, in RSS, Atom and JSON Feed, plain and
 * gzip (the server's own gzip, level 9). Bodies only; the headers are about the same for both.
 *
 *   npx tsx tools/bench/delta-bytes.ts
 */
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/http/app.js';
import { silentLogger } from '../../src/log.js';
import { Pipeline } from '../../src/pipeline.js';
import type { Site } from '../../src/render/site.js';
import { cachedCorpus } from './corpus-cache.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const LIMIT = 50;
const FEEDS = ['/rss.xml', '/atom.xml', '/feed.json'];

const corpus = await cachedCorpus(path.join(REPO, '.bench'), 300, path.join(REPO, 'seeds'));
const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-delta-bytes-'));
const seeds = path.join(dir, 'seeds');
await cp(corpus, seeds, { recursive: true });

const settings = {
  seedsDir: seeds,
  extensions: ['.md', '.txt', '.html'],
  maxFileBytes: 5 << 20,
  baseUrl: 'https://news.example.org',
  siteTitle: 'seedfeed',
  limit: LIMIT,
};
const build = async (pipeline: Pipeline) => {
  const run = await pipeline.run();
  if (run.outcome === 'failed') throw run.error;
  return run.site;
};

// The newest article's file is held back, then comes back as the one new item.
const newest = (await build(new Pipeline({ settings }))).catalog.articles[0]!.sources[0]!;
const held = path.join(dir, 'held');
await rename(path.join(seeds, newest), held);
const pipeline = new Pipeline({ settings });
let site: Site = await build(pipeline);
const app = createApp({
  site: () => site,
  health: () => ({ status: 'ok', body: {} }),
  maxAge: 60,
  limit: LIMIT,
  logger: silentLogger,
});
const size = async (response: Response) => (await response.arrayBuffer()).byteLength;

const before = new Map<string, string>();
for (const feed of FEEDS)
  for (const encoding of ['identity', 'gzip'])
    before.set(
      `${feed} ${encoding}`,
      (await app.request(feed, { headers: { 'Accept-Encoding': encoding } })).headers.get('etag')!,
    );
await rename(held, path.join(seeds, newest));
site = await build(pipeline);

console.log('feed        encoding   full 200   226 delta   saved');
for (const feed of FEEDS)
  for (const encoding of ['identity', 'gzip']) {
    const headers = { 'Accept-Encoding': encoding };
    const full = await size(await app.request(feed, { headers }));
    const response = await app.request(feed, {
      headers: { ...headers, 'A-IM': 'feed', 'If-None-Match': before.get(`${feed} ${encoding}`)! },
    });
    if (response.status !== 226) throw new Error(`${feed} ${encoding}: ${response.status}`);
    const delta = await size(response);
    console.log(
      `${feed.padEnd(11)} ${encoding.padEnd(8)} ${String(full).padStart(10)} ${String(delta).padStart(11)} ${((1 - delta / full) * 100).toFixed(1).padStart(6)}%`,
    );
  }
await rm(dir, { recursive: true, force: true });
