/** Shared helpers for the ingest tests: where the seeds are, and how a test reads or scans them. */
import { expect } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { parseFile } from '../../src/catalog/draft-file.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import type { Article, Catalog, Draft, Rejection } from '../../src/model.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The five real samples (a copy of ../shared/seeds). */
export const SAMPLES = path.join(REPO, 'seeds');
/** One small file per case, named for the case. */
export const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'seeds');

export const fixturePath = (name: string) => path.join(FIXTURES, name);
export const fixtureBytes = (name: string) => readFileSync(fixturePath(name));

/** The same configuration the CLI would build, with nothing taken from the environment. */
export function scanConfig(seedsDir: string, maxFileSize = '5MB') {
  return loadConfig({ seeds: seedsDir, 'max-file-size': maxFileSize }, {});
}

export function scanDir(seedsDir: string, maxFileSize?: string) {
  return new CatalogScanner(scanConfig(seedsDir, maxFileSize)).scan();
}

/** Reads, decodes and parses one file exactly as a scan does. */
export async function parsePath(
  absPath: string,
  rel = path.basename(absPath),
): Promise<Draft | Rejection> {
  const st = await stat(absPath);
  return parseFile(
    { path: rel, absPath, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino },
    scanConfig(path.dirname(absPath)).maxFileBytes,
  );
}

export const parseFixture = (name: string) => parsePath(fixturePath(name), name);

export function expectDraft(result: Draft | Rejection): Draft {
  if ('reason' in result)
    expect.fail(`expected ${result.file} to parse, but it was rejected: ${result.reason}`);
  return result;
}

export function expectRejection(result: Draft | Rejection): Rejection {
  if (!('reason' in result))
    expect.fail(`expected ${result.source} to be rejected, but it parsed as "${result.title}"`);
  return result;
}

export function articleFrom(catalog: Catalog, source: string): Article {
  const article = catalog.articles.find((a) => a.sources.includes(source));
  if (!article) expect.fail(`no article has ${source} among its sources`);
  return article;
}

export async function makeTempDir(
  prefix = 'seedfeed-test-',
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `<p>` elements in sanitized HTML (the sanitizer drops every attribute a `<p>` could carry). */
export const paragraphCount = (html: string) => html.match(/<p>/g)?.length ?? 0;

/** The `src` of every `<img>`, in document order. */
export const imageSources = (html: string) =>
  [...html.matchAll(/<img\b[^>]*>/g)].map((m) => /\bsrc="([^"]*)"/.exec(m[0])?.[1]);
