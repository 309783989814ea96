/**
 * The package as a user gets it: `npm pack` of the repository, installed with npm into an empty
 * project, whose `node_modules/.bin/seedfeed build` turns the five samples into feeds. Proves the
 * tarball holds everything the CLI needs (dist/ included: a tarball install runs no `prepare`), runs
 * on the dependencies alone (no devDependency is installed), and ships nothing else.
 *
 * The pack skips scripts: `npm pack` would run `prepare` (a build) itself, but dist/ was built by
 * tests/global-setup.ts before any test, and rebuilding it here would rewrite files other tests are
 * running. The install reads npm's cache first (`npm ci` filled it), the registry only for what it
 * lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, SAMPLE, SAMPLES, makeTempDir } from '../support/site.js';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The environment without the npm_* variables an outer `npm test` sets (its package, its config). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let packed: string[] = [];
let app: string;
let feeds: string;
let build: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  temp = await makeTempDir('seedfeed-pack-');
  const env = cleanEnv();
  const { stdout } = await run(
    NPM,
    ['pack', '--ignore-scripts', '--json', '--pack-destination', temp.dir],
    { cwd: REPO, env, maxBuffer: 16 << 20 },
  );
  const [result] = JSON.parse(stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  packed = result!.files.map((f) => f.path).sort();
  const tarball = path.join(temp.dir, path.basename(result!.filename));

  app = path.join(temp.dir, 'app');
  await mkdir(app);
  await writeFile(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'seedfeed-install-check', version: '1.0.0', private: true }),
  );
  await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', tarball], {
    cwd: app,
    env,
    maxBuffer: 16 << 20,
  });

  feeds = path.join(temp.dir, 'feeds');
  const bin = path.join(app, 'node_modules', '.bin', 'seedfeed');
  build = await run(bin, ['build', '--seeds', SAMPLES, '--out', feeds], { cwd: app, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}, 180_000);

afterAll(async () => {
  await temp?.remove();
});

describe('npm pack', () => {
  it('ships bin/, the built product in dist/, README.md and package.json', () => {
    expect(packed).toContain('bin/seedfeed.js');
    expect(packed).toContain('dist/cli.js');
    expect(packed).toContain('README.md');
    expect(packed).toContain('package.json');
    expect(packed.filter((p) => !/^(bin|dist)\//.test(p))).toEqual(['README.md', 'package.json']);
  });

  it('ships no tests, CI script, sources, seeds, scratch files, source maps or dev tools', () => {
    const unwanted = packed.filter(
      (p) =>
        /^(tests|\.ci|src|seeds|feeds|docs|node_modules)\//.test(p) ||
        p === '_shots.mts' ||
        p.endsWith('.map') ||
        /^dist\/(bench|loadtest)\//.test(p) ||
        /^dist\/dedupe\/(eval-cli|labelled-set|evaluate)\./.test(p),
    );
    expect(unwanted).toEqual([]);
  });
});

describe('installed from the tarball', () => {
  it('brings the dependencies and none of the devDependencies', async () => {
    const installed = await readdir(path.join(app, 'node_modules'));
    const manifest = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies))
      expect(installed, name).toContain(name.split('/')[0]);
    for (const name of ['vitest', 'typescript', 'puppeteer-core', 'xmllint-wasm', 'tsx'])
      expect(installed, name).not.toContain(name);
  });

  it('`seedfeed build` over the samples exits 0 and writes RSS, Atom and JSON Feed with the five articles', async () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/5 articles/);
    const titles = Object.values(SAMPLE)
      .map((s) => s.title)
      .sort();

    const feed = JSON.parse(await readFile(path.join(feeds, 'feed.json'), 'utf8')) as {
      version: string;
      items: Array<{ title: string }>;
    };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items.map((i) => i.title).sort()).toEqual(titles);

    const rss = await readFile(path.join(feeds, 'rss.xml'), 'utf8');
    expect(rss.match(/<item>/g)).toHaveLength(5);
    const atom = await readFile(path.join(feeds, 'atom.xml'), 'utf8');
    expect(atom.match(/<entry>/g)).toHaveLength(5);
    for (const title of titles) {
      expect(rss, title).toContain(title);
      expect(atom, title).toContain(title);
    }
  });
});
