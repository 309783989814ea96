/**
 * Where --out, --data-dir and --seeds may lie relative to each other, as `seedfeed build` and
 * `seedfeed serve` check it at start, on real paths (a link does not hide where a directory is):
 * the private data directory never inside (or equal to) the published one; the export never
 * inside, equal to or around the seeds it is made from (unless the walk never enters it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, SAMPLES, makeTempDir } from '../support/site.js';

const BIN = path.join(REPO, 'bin', 'seedfeed.js');

async function seedfeed(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: REPO,
      timeout: 20_000,
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

let root: string;
let seeds: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, remove } = await makeTempDir('seedfeed-layout-'));
  seeds = path.join(root, 'seeds');
  await cp(SAMPLES, seeds, { recursive: true });
});
afterAll(() => remove());

const at = (...parts: string[]) => path.join(root, ...parts);

describe('refused at start: exit 2, a message naming both directories, nothing written', () => {
  it.each([
    [
      '--data-dir inside --out',
      () => ['--out', at('out1'), '--data-dir', at('out1', 'private')],
      /--data-dir .* is inside --out .*: the private data \(WebSub subscribers' secrets\) would be published with the export/,
    ],
    [
      '--data-dir equal to --out',
      () => ['--out', at('out2'), '--data-dir', at('out2')],
      /--data-dir .* is --out .*: the private data \(WebSub subscribers' secrets\) would be published with the export/,
    ],
    [
      '--data-dir inside --out under a hidden name',
      () => ['--out', at('out3'), '--data-dir', at('out3', '.private')],
      /--data-dir .* is inside --out/,
    ],
    [
      '--out equal to --seeds',
      () => ['--out', seeds],
      /--out .* is --seeds .*: the export would be read back as seeds/,
    ],
    [
      '--out inside --seeds',
      () => ['--out', path.join(seeds, 'site')],
      /--out .* is inside --seeds .*: the export would be read back as seeds/,
    ],
    [
      '--seeds inside --out',
      () => ['--out', root],
      /--seeds .* is inside --out .*: the seed files would be published, and could be overwritten by the export/,
    ],
    [
      '--data-dir inside --seeds',
      () => ['--out', at('out4'), '--data-dir', path.join(seeds, 'data')],
      /--data-dir .* is inside --seeds .*: its files could be read as seeds and published/,
    ],
  ])('%s', async (_, args, message) => {
    const result = await seedfeed([
      'build',
      '--seeds',
      seeds,
      '--base-url',
      'https://x.example',
      ...args(),
    ]);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(path.join(args()[1]!, 'rss.xml'))).toBe(false);
  });

  it('seen through a symbolic link: --data-dir via a link that leads inside --out', async () => {
    await mkdir(at('out5', 'private'), { recursive: true });
    await symlink(at('out5', 'private'), at('data-link'));
    const result = await seedfeed([
      'build',
      '--seeds',
      seeds,
      '--out',
      at('out5'),
      '--data-dir',
      at('data-link'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--data-dir .*data-link.* is inside --out/);
  });

  it('seen through a symbolic link: --out via a link to --seeds', async () => {
    await symlink(seeds, at('seeds-link'));
    const result = await seedfeed(['build', '--seeds', seeds, '--out', at('seeds-link')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out .*seeds-link.* is --seeds/);
  });

  it('serve refuses it too, before it listens', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--seeds',
        seeds,
        '--out',
        at('out6'),
        '--data-dir',
        at('out6', 'private'),
        '--port',
        '0',
      ],
      { cwd: REPO },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 8000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(stderr).toMatch(/--data-dir .* is inside --out/);
    expect(code).toBe(2);
  });
});

describe('allowed', () => {
  it.each([
    ['the defaults side by side', () => ['--out', at('ok1'), '--data-dir', at('ok1-data')]],
    [
      '--out inside --data-dir (the export is not inside the private data)',
      () => ['--out', at('ok2-data', 'site'), '--data-dir', at('ok2-data')],
    ],
    [
      '--out inside --seeds under a hidden name (the walk never enters it)',
      () => ['--out', path.join(seeds, '.site'), '--data-dir', at('ok3-data')],
    ],
    [
      '--data-dir inside --seeds under a hidden name',
      () => ['--out', at('ok4'), '--data-dir', path.join(seeds, '.seedfeed')],
    ],
  ])('%s', async (_, args) => {
    const result = await seedfeed([
      'build',
      '--seeds',
      seeds,
      '--base-url',
      'https://x.example',
      ...args(),
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(args()[1]!, 'rss.xml'))).toBe(true);
  });

  it('scan writes nothing and checks nothing of --out', async () => {
    const result = await seedfeed(['scan', '--seeds', seeds, '--out', seeds]);
    expect(result.code).toBe(0);
  });
});
