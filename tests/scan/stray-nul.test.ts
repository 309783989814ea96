/**
 * A text file with a few stray NUL bytes (a crawler's glitch) is kept: the NULs are dropped and
 * the scan report says so. A file that looks binary (NULs in its first bytes, many of them, or
 * bytes that are not UTF-8) is still rejected.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSeed } from '../../src/scan/read.js';
import { REPO } from '../support/seeds.js';

const ARTICLE =
  '---\ntitle: 湖州数字乡村\ndate: 2022-08-01\n---\n湖州推进数字乡村建设，成效显著。\n';
/** Between two characters of the body. */
const IN_BODY = Buffer.from(ARTICLE).indexOf('成效');
/** `text` as UTF-8 with NULs inserted so that they land at these offsets of the result. */
const withNulAt = (text: string, ...at: number[]) => {
  const bytes = [...Buffer.from(text)];
  for (const offset of [...at].sort((a, b) => a - b)) bytes.splice(offset, 0, 0);
  return Buffer.from(bytes);
};

describe('decodeSeed', () => {
  it('drops a single NUL among UTF-8 text and notes where it was', () => {
    const offset = Buffer.from(ARTICLE).indexOf('湖州推进');
    expect(decodeSeed(withNulAt(ARTICLE, offset))).toEqual({
      text: ARTICLE,
      note: `a NUL byte at offset ${offset} was removed`,
    });
  });

  it('drops a few, and lists them', () => {
    const decoded = decodeSeed(withNulAt(ARTICLE, 20, 40, 41));
    expect(decoded).toEqual({
      text: ARTICLE,
      note: '3 NUL bytes (at offsets 20, 40, 41) were removed',
    });
  });

  it('rejects a NUL in the first 16 bytes (a binary header)', () => {
    expect(decodeSeed(withNulAt(ARTICLE, 8))).toEqual({
      reason: 'binary file: contains a NUL byte at offset 8',
    });
  });

  it('rejects more than 8 NULs', () => {
    const nine = [30, 31, 32, 33, 34, 35, 36, 37, 38];
    expect(decodeSeed(withNulAt(ARTICLE, ...nine))).toEqual({
      reason: 'binary file: contains a NUL byte at offset 30',
    });
  });

  it('rejects NULs with bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([withNulAt(ARTICLE, 30), Buffer.from([0xc3, 0x28])]);
    expect(decodeSeed(bytes)).toEqual({ reason: 'binary file: contains a NUL byte at offset 30' });
  });
});

describe('seedfeed scan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-nul-'));
    await writeFile(path.join(dir, 'glitch.md'), withNulAt(ARTICLE, IN_BODY));
    await writeFile(path.join(dir, 'image.txt'), withNulAt(ARTICLE, 4));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const scan = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['bin/seedfeed.js', 'scan', '--seeds', dir, ...args], {
      cwd: REPO,
      timeout: 60_000,
    }).catch((error: { stdout: string }) => error);

  it('keeps the article and lists the removal among the notes; still rejects the binary one', async () => {
    const { stdout } = await scan('--json');
    const report = JSON.parse(stdout) as {
      articles: Array<{ title: string; sources: string[] }>;
      rejected: Array<{ file: string; reason: string }>;
      notices: Array<{ file: string; note: string }>;
    };
    expect(report.articles.map((a) => [a.title, a.sources])).toEqual([
      ['湖州数字乡村', ['glitch.md']],
    ]);
    expect(report.notices).toContainEqual({
      file: 'glitch.md',
      note: `a NUL byte at offset ${IN_BODY} was removed`,
    });
    expect(report.rejected).toEqual([
      { file: 'image.txt', reason: 'binary file: contains a NUL byte at offset 4' },
    ]);
    const text = (await scan()).stdout;
    expect(text).toContain(`glitch.md: a NUL byte at offset ${IN_BODY} was removed`);
  });
});
