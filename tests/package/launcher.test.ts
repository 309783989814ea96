/**
 * `bin/seedfeed`, the command npm installs: it sets glibc's allocator thresholds unless the
 * environment already has them, and replaces itself with node (no second process). The serving
 * process's own environment and executable are read from /proc, so this runs on Linux only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, SAMPLES, tempDirsRemovedAfterAll } from '../support/site.js';

const LAUNCHER = path.join(REPO, 'bin', 'seedfeed');
const tempDir = tempDirsRemovedAfterAll('seedfeed-launcher-');
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** The environment without allocator settings, so the machine's own cannot leak in. */
function envWithout(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('MALLOC_') && !k.startsWith('SEEDFEED_'),
    ),
  );
  return { ...env, ...extra };
}

/** Starts `serve` through the launcher and resolves once it is listening. */
async function serveThrough(
  launcher: string,
  env: NodeJS.ProcessEnv,
): Promise<{ pid: number; environ: Map<string, string> }> {
  const out = await tempDir();
  const child = spawn(
    launcher,
    [
      'serve',
      '--seeds',
      SAMPLES,
      '--out',
      out,
      '--data-dir',
      `${out}.data`,
      '--port',
      '0',
      '--no-watch',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/is serving/.test(seen)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before serving: ${seen}`)));
  });
  const environ = new Map(
    readFileSync(`/proc/${child.pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  return { pid: child.pid!, environ };
}

describe.runIf(process.platform === 'linux')('bin/seedfeed', () => {
  it('runs the server as node itself, with the allocator thresholds set', async () => {
    const { pid, environ } = await serveThrough(LAUNCHER, envWithout());
    expect(environ.get('MALLOC_MMAP_THRESHOLD_')).toBe('131072');
    expect(environ.get('MALLOC_TRIM_THRESHOLD_')).toBe('131072');
    expect(environ.get('MALLOC_ARENA_MAX')).toBe('2');
    // The pid the launcher was started as is node's: exec, not a shell waiting on a child.
    expect(path.basename(readlinkSync(`/proc/${pid}/exe`))).toMatch(/^node/);
  }, 60_000);

  it('keeps values the environment gives', async () => {
    const { environ } = await serveThrough(
      LAUNCHER,
      envWithout({ MALLOC_MMAP_THRESHOLD_: '262144' }),
    );
    expect(environ.get('MALLOC_MMAP_THRESHOLD_')).toBe('262144');
    expect(environ.get('MALLOC_TRIM_THRESHOLD_')).toBe('131072');
  }, 60_000);

  it('finds the CLI beside its real path when started through a symbolic link, as npm links it', async () => {
    const dir = await tempDir();
    const link = path.join(dir, 'seedfeed');
    await symlink(LAUNCHER, link);
    const out = path.join(dir, 'feeds');
    const { stdout } = await promisify(execFile)(
      link,
      ['build', '--seeds', SAMPLES, '--out', out, '--data-dir', `${out}.data`],
      { env: envWithout(), cwd: dir },
    );
    expect(stdout).toMatch(/5 articles/);
    expect(readFileSync(path.join(out, 'rss.xml'), 'utf8')).toContain('<rss');
  }, 60_000);
});
