/** Small synthetic seed directories for the history, filter and search tests. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/http/app.js';
import { Pipeline } from '../../src/pipeline.js';
import { silentLogger } from '../../src/log.js';
import type { SiteOptions } from '../../src/render/site.js';
import { builtSite } from './site.js';

export interface SeedArticle {
  readonly title: string;
  readonly date: Date;
  readonly body: string;
  readonly categories?: readonly string[];
  readonly tags?: readonly string[];
  readonly author?: string;
}

const yamlString = (text: string) => JSON.stringify(text);

/** Text no other seed resembles (near-duplicate detection must not merge test articles). */
export function distinctText(seed: string | number): string {
  const hex = createHash('sha256').update(`seed ${seed}`).digest('hex');
  return hex
    .match(/.{8}/g)!
    .map((w) => `w${w}`)
    .join(' ');
}

export function seedMarkdown(a: SeedArticle): string {
  return [
    '---',
    `title: ${yamlString(a.title)}`,
    `date: ${a.date.toISOString()}`,
    `categories: [${(a.categories ?? []).map(yamlString).join(', ')}]`,
    `tags: [${(a.tags ?? []).map(yamlString).join(', ')}]`,
    ...(a.author ? [`author: ${yamlString(a.author)}`] : []),
    '---',
    `<p>${a.body}</p>`,
    '',
  ].join('\n');
}

export async function seedDir(articles: readonly SeedArticle[]): Promise<{
  dir: string;
  add: (file: string, a: SeedArticle) => Promise<void>;
  remove: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-history-'));
  const add = (file: string, a: SeedArticle) => writeFile(path.join(dir, file), seedMarkdown(a));
  await Promise.all(articles.map((a, i) => add(`a${String(i).padStart(3, '0')}.md`, a)));
  return { dir, add, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const BASE_URL = 'https://news.example.org';

/** A fresh scan of `dir` as a Site, with the options the tests choose, and an app over it. */
export async function serveDir(
  dir: string,
  options: Partial<SiteOptions> = {},
  builtAt = new Date('2026-01-01T00:00:00Z'),
) {
  const limit = options.limit ?? 50;
  const settings = {
    seedsDir: dir,
    extensions: ['.md'],
    maxFileBytes: 5 << 20,
    baseUrl: BASE_URL,
    siteTitle: 'seedfeed',
    ...options,
    limit,
  };
  const site = await builtSite(new Pipeline({ settings, clock: () => builtAt }));
  const { catalog } = site;
  const app = createApp({
    site: () => site,
    health: () => ({ status: 'ok', body: {} }),
    maxAge: 60,
    limit,
    logger: silentLogger,
  });
  return { catalog, site, app };
}

/** The site path of an absolute URL of the test site, percent-encoding kept (as a request path). */
export function requestPathOf(url: string): string {
  if (!url.startsWith(BASE_URL)) throw new Error(`${url} is not on ${BASE_URL}`);
  return url.slice(BASE_URL.length);
}
