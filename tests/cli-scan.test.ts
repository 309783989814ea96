/** The built CLI's `scan` command, run as a user runs it: exit codes, JSON report, errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, REPO, SAMPLES } from './support/seeds.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without seedfeed's own variables, so the machine's settings cannot leak in. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('SEEDFEED_')),
);

function run(file: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { cwd: REPO, env: cleanEnv, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

const seedfeed = (...args: string[]) => run(process.execPath, ['bin/seedfeed.js', ...args]);

interface Report {
  files: number;
  articles: Array<{
    id: string;
    guid: string;
    title: string;
    date: string;
    sources: string[];
    categories: string[];
  }>;
  duplicates: number;
  rejected: Array<{ file: string; reason: string }>;
  notices: Array<{ file: string; note: string }>;
  categories: Array<{ name: string; slug: string; count: number }>;
}

function expectEveryFileOnce(report: Report, files: readonly string[]) {
  const seen = [
    ...report.articles.flatMap((a) => a.sources),
    ...report.rejected.map((r) => r.file),
  ];
  expect(seen.sort()).toEqual([...files].sort());
  expect(report.files).toBe(files.length);
}

beforeAll(() => {
  // tests/global-setup.ts built dist/ from the current src/ before any test started.
  expect(existsSync(path.join(REPO, 'dist', 'cli.js'))).toBe(true);
});

describe('seedfeed scan --json --seeds seeds', () => {
  let result: Run;
  let report: Report;
  beforeAll(async () => {
    result = await seedfeed('scan', '--json', '--seeds', 'seeds');
    report = JSON.parse(result.stdout) as Report;
  });

  it('exits 0 and prints only JSON', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.endsWith('}\n')).toBe(true);
  });

  it('reports 5 files, 5 articles, nothing rejected, no duplicates', () => {
    expect(report.files).toBe(5);
    expect(report.articles).toHaveLength(5);
    expect(report.rejected).toEqual([]);
    expect(report.duplicates).toBe(0);
  });

  it('lists every file seen exactly once, in sources or rejected', () => {
    expectEveryFileOnce(report, readdirSync(SAMPLES));
  });

  it("reports the samples' titles and dates", () => {
    const byFile = Object.fromEntries(report.articles.map((a) => [a.sources[0], a]));
    expect(byFile['000_b04ed080fefa3896.txt']).toMatchObject({
      title: '时不我待！湖南老工业基地的数字化“新”升级',
      date: '2022-02-13T15:09:00.000Z',
    });
    expect(byFile['001_c113200a63da4cd2.txt']).toMatchObject({
      title: '聚焦湖南中小企业高质量发展：数字化赋能 转型迈新步',
      date: '2021-07-23T09:06:41.000Z',
    });
    expect(byFile['002_8cd73b35cd009734.txt']).toMatchObject({
      title: '聚焦痛点难点 湖州加快推进工业数字化改革',
      date: '2022-03-02T03:09:47.000Z',
    });
    expect(byFile['003_14939d2c03372406.txt']).toMatchObject({
      title: '数字赋能、产业蝶变，“数字强省”建设提速',
      date: '2022-08-12T08:37:00.000Z',
    });
    expect(byFile['004_01c09f82508fccef.txt']!.title).toBe(
      '聚焦数字化集群化等 浙江启动传统制造业改造提升2.0版',
    );
    expect(report.notices).toEqual([
      {
        file: '004_01c09f82508fccef.txt',
        note: expect.stringMatching(
          /^no usable date; using the file's first-seen modification time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/,
        ),
      },
    ]);
    for (const a of report.articles) {
      expect(a.guid).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
      expect(a.id).toBe(a.guid.slice(11, 27));
    }
  });
});

describe('seedfeed scan on a directory with bad files', () => {
  it('exits 0 and lists each rejection with its reason', async () => {
    const result = await seedfeed('scan', '--json', '--seeds', path.relative(REPO, FIXTURES));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Report;
    expect(report.rejected).toEqual([
      { file: 'binary.txt', reason: 'binary file: contains a NUL byte at offset 8' },
      { file: 'empty.md', reason: 'file is empty' },
      {
        file: 'invalid-utf8.txt',
        reason:
          'not valid UTF-8 (at byte 11); legacy encodings such as GBK are not guessed — save the file as UTF-8',
      },
      {
        file: 'js-front-matter.md',
        reason:
          'front matter language "js" is not allowed: front matter is data (YAML), never code',
      },
      {
        file: 'malformed-yaml.md',
        reason: 'front matter is not valid YAML: bad indentation of a mapping entry (line 7)',
      },
      { file: 'whitespace-only.md', reason: 'file is empty' },
      {
        file: 'yaml-js-function.md',
        reason:
          'front matter is not valid YAML: unknown tag !<tag:yaml.org,2002:js/function> (line 2)',
      },
    ]);
    expect(report.articles).toHaveLength(10);
    expect(report.duplicates).toBe(2);
    expectEveryFileOnce(
      report,
      readdirSync(FIXTURES).filter((f) => !f.startsWith('.')),
    );
    expect(existsSync(path.join(os.tmpdir(), 'seedfeed-js-front-matter-canary'))).toBe(false);
  });

  it('prints a summary for people without --json', async () => {
    const result = await seedfeed('scan', '--seeds', 'seeds');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `${path.join(REPO, 'seeds')}: 5 files, 5 articles, 0 duplicates merged, 0 rejected, 9 categories`,
    );
    expect(lines).toContain(
      '  2022-03-02 03:09Z  聚焦痛点难点 湖州加快推进工业数字化改革  [zhongguogongyebao]',
    );
  });
});

describe('seedfeed scan errors', () => {
  it('exits 2 and prints usage on a bad flag', async () => {
    const result = await seedfeed('scan', '--bogus');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^seedfeed: Unknown option '--bogus'/);
    expect(result.stderr).toContain('Usage: seedfeed <command> [options]');
    expect(result.stderr).toContain('--seeds VALUE');
  });

  it('exits 2 and prints usage on an unknown command', async () => {
    const result = await seedfeed('scna');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^seedfeed: unknown command "scna"\n\nUsage: seedfeed/);
  });

  it('exits 2 with a one-line message on a bad value', async () => {
    const result = await seedfeed('scan', '--max-file-size', 'huge');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('seedfeed: --max-file-size: "huge" is not a size such as 5MB\n');
  });

  it('exits 1 with a one-line error when the seeds directory is missing', async () => {
    const missing = path.join(os.tmpdir(), `seedfeed-no-such-dir-${process.pid}`);
    const result = await seedfeed('scan', '--json', '--seeds', missing);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`seedfeed: cannot scan ${missing}: no such directory\n`);
  });

  it('exits 1 with a one-line error when the seeds path is a file', async () => {
    const result = await seedfeed('scan', '--seeds', 'package.json');
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(/^seedfeed: cannot scan .*package\.json: .*not a directory\n$/);
  });
});
