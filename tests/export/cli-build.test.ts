/**
 * `seedfeed build` as a user runs it: the compiled CLI (built once by tests/global-setup.ts, then
 * `node bin/seedfeed.js build …`), exit code, summary line and the files it leaves in --out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MANIFEST } from '../../src/export/write-site.js';
import { REPO, RENDER_FIXTURES, SAMPLES, listFiles, makeTempDir, xml } from '../support/site.js';

const run = promisify(execFile);
const BIN = path.join(REPO, 'bin', 'seedfeed.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function seedfeed(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: REPO,
      timeout: 20_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? String(error),
    };
  }
}

const temps: Array<Awaited<ReturnType<typeof makeTempDir>>> = [];

// tests/global-setup.ts built dist/ from the current src/ before any test started.

afterAll(async () => {
  for (const t of temps) await t.remove();
});

describe('seedfeed build over the five samples', () => {
  let out: string;
  let result: Result;

  beforeAll(async () => {
    const t = await makeTempDir('seedfeed-cli-build-');
    temps.push(t);
    out = path.join(t.dir, 'site');
    result = await seedfeed([
      'build',
      '--seeds',
      SAMPLES,
      '--out',
      out,
      '--base-url',
      'https://x.example',
    ]);
  });

  it('exits 0 and reports what it built', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^built .+: 64 files \(64 written, 0 unchanged, 0 removed\) from 5 seed files: 5 articles, 9 categories, 0 duplicates merged, 0 rejected in [\d.]+ s\n$/,
    );
  });

  it('writes the index, the three site feeds and the OPML', () => {
    for (const file of ['index.html', 'rss.xml', 'atom.xml', 'feed.json', 'opml.xml', MANIFEST]) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
    }
  });

  it('writes every category directory with its page and feeds, in real characters', () => {
    for (const slug of ['新媒体', '趣头条', '分类', '金融', 'zhongguogongyebao']) {
      for (const file of ['index.html', 'rss.xml', 'atom.xml', 'feed.json']) {
        expect(existsSync(path.join(out, 'categories', slug, file)), `${slug}/${file}`).toBe(true);
      }
    }
  });

  it('writes one article page per article', async () => {
    const files = await listFiles(out);
    const articles = files.filter((f) => /^articles\/[0-9a-f]{16}\/index\.html$/.test(f));
    expect(articles).toHaveLength(5);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('uses the --base-url for absolute links', async () => {
    const $ = xml(await readFile(path.join(out, 'rss.xml'), 'utf8'));
    expect($('channel > link').text()).toBe('https://x.example/');
    expect($('channel > atom\\:link').attr('href')).toBe('https://x.example/rss.xml');
    expect($('item').length).toBe(5);
    const opml = await readFile(path.join(out, 'opml.xml'), 'utf8');
    expect(opml).toContain(
      'xmlUrl="https://x.example/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml"',
    );
  });

  it('a second build of unchanged seeds writes nothing', async () => {
    const again = await seedfeed([
      'build',
      '--seeds',
      SAMPLES,
      '--out',
      out,
      '--base-url',
      'https://x.example',
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(0 written, 64 unchanged, 0 removed)');
  });
});

describe('seedfeed build over the slug fixture', () => {
  it('writes hostile category names as safe directories inside --out', async () => {
    const t = await makeTempDir('seedfeed-cli-slugs-');
    temps.push(t);
    const out = path.join(t.dir, 'out');
    const result = await seedfeed([
      'build',
      '--seeds',
      path.join(RENDER_FIXTURES, 'slugs'),
      '--out',
      out,
      '--base-url',
      'https://x.example',
    ]);
    expect(result.code).toBe(0);
    const files = await listFiles(t.dir);
    for (const file of files) expect(file.startsWith('out/'), file).toBe(true);
    expect(files).toContain('out/categories/新媒体/rss.xml');
    expect(files).toContain('out/categories/news-today/rss.xml');
    expect(files).toContain('out/categories/etc/rss.xml');
    expect(files).toContain('out/categories/ab/rss.xml');
  });

  it('a missing seeds directory exits 1 with a message', async () => {
    const t = await makeTempDir('seedfeed-cli-missing-');
    temps.push(t);
    const result = await seedfeed([
      'build',
      '--seeds',
      path.join(t.dir, 'nope'),
      '--out',
      path.join(t.dir, 'out'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot scan .*nope: no such directory/);
  });
});

describe('seedfeed build again, with article pages gone from --out', () => {
  it('writes them again from the seed files, byte for byte', async () => {
    const t = await makeTempDir('seedfeed-cli-rebuild-');
    temps.push(t);
    const seeds = path.join(t.dir, 'seeds');
    const out = path.join(t.dir, 'site');
    await mkdir(seeds);
    // Feeds of one item: most bodies are in no feed, so their pages need their files read again.
    for (let i = 0; i < 6; i++) {
      const file = path.join(seeds, `note-${i}.txt`);
      await writeFile(file, `Note ${i}\n\nThe body of note number ${i}, long enough to keep.\n`);
      await utimes(file, 1_700_000_000 + i * 3600, 1_700_000_000 + i * 3600);
    }
    const args = [
      'build',
      '--seeds',
      seeds,
      '--out',
      out,
      '--base-url',
      'https://x.example',
      '--limit',
      '1',
    ];
    expect((await seedfeed(args)).code).toBe(0);
    const pages = (await listFiles(out)).filter((f) => f.startsWith('articles/'));
    expect(pages.length).toBe(6);
    const before = await Promise.all(pages.map((f) => readFile(path.join(out, f))));
    for (const f of pages) await rm(path.join(out, f));

    const again = await seedfeed(args);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(6 written,');
    for (const [i, f] of pages.entries())
      expect(await readFile(path.join(out, f))).toEqual(before[i]);
  });
});
