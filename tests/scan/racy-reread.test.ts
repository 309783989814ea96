/**
 * A file listed while it may still be being written (racy: modified within RACY_WINDOW_MS of the
 * listing) is read again by the next scan. If its bytes are the ones already parsed, that costs a
 * read and a hash: the parser is not called, the result is the same object, and the scan is
 * unchanged. Different bytes under the same stamp are parsed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { makeTempDir, scanConfig } from '../support/seeds.js';

const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/parse/index.js', async (original) => {
  const real = await original<typeof import('../../src/parse/index.js')>();
  return {
    ...real,
    parseSeedWithText: (...args: Parameters<typeof real.parseSeedWithText>) => {
      parses.count++;
      return real.parseSeedWithText(...args);
    },
  };
});

const article = (title: string) =>
  `---\ntitle: ${title}\ndate: 2022-01-01\n---\n${title}的正文。\n`;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let file: string;
beforeEach(async () => {
  temp = await makeTempDir();
  file = path.join(temp.dir, 'a.md');
  // Written just now: racy at the first scan, and at the next ones while the window lasts.
  writeFileSync(file, article('甲乙'));
  parses.count = 0;
});
afterEach(() => temp.remove());

describe('a racy file read again', () => {
  it('with the same bytes: hashed, not parsed, and the scan is unchanged', async () => {
    const scanner = new CatalogScanner(scanConfig(temp.dir));
    const first = await scanner.scan();
    expect(parses.count).toBe(1);
    const again = await scanner.scan();
    expect(parses.count).toBe(1);
    expect(again.catalog).toBe(first.catalog);
    expect(again.stats.changed).toBe(0);
  });

  it('with other bytes under the same stamp: parsed', async () => {
    const scanner = new CatalogScanner(scanConfig(temp.dir));
    await scanner.scan();
    expect(parses.count).toBe(1);
    // Same size, same inode, mtime put back: only a read can tell.
    const before = statSync(file);
    writeFileSync(file, article('丙丁'));
    utimesSync(file, before.atime, before.mtime);
    expect(readFileSync(file).length).toBe(before.size);
    const again = await scanner.scan();
    expect(parses.count).toBe(2);
    expect(again.stats.changed).toBe(1);
    expect(again.catalog.articles.map((a) => a.title)).toEqual(['丙丁']);
  });

  it('touched (a new mtime, the same bytes): hashed, not parsed', async () => {
    const scanner = new CatalogScanner(scanConfig(temp.dir));
    const first = await scanner.scan();
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const again = await scanner.scan();
    expect(parses.count).toBe(1);
    expect(again.catalog).toBe(first.catalog);
  });
});
