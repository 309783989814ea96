/**
 * Files swapped between the walk and the read. The walk vets each entry with lstat; whatever is at
 * that path when it is read must be the very file the walk saw, or it is not read at all.
 *
 * The races are made deterministic through seams that already exist, none of which seed content or
 * the CLI can reach: the Scanner's `parseBatch` runs after the walk and before any read, so a test
 * parser swaps the file there; a file read by a worker thread is read by readSeedBytesSync, called
 * here directly after walkSeeds; a directory swapped in the middle of the walk is swapped by a
 * hook on readdirSync (vi.mock of node:fs, this file only).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { writeSite } from '../../src/export/write-site.js';
import { parseOnThisThread } from '../../src/catalog/draft-file.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import type { Catalog, Rejection, SeedFile } from '../../src/model.js';
import { readSeedBytes, readSeedBytesSync } from '../../src/scan/read.js';
import { walkSeeds } from '../../src/scan/walk.js';
import { seedPath } from '../../src/scan/seed-path.js';
import { listFiles, makeApp, makeSite, makeTempDir } from '../support/site.js';

/** Hook into node:fs: off unless a test sets it. */
const hooks = vi.hoisted(() => ({
  afterReaddir: undefined as ((dir: string) => void) | undefined,
}));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((...args: Parameters<typeof actual.readdirSync>) => {
    const entries = actual.readdirSync(...args);
    hooks.afterReaddir?.(String(args[0]));
    return entries;
  }) as typeof actual.readdirSync;
  return { ...actual, default: { ...actual, readdirSync }, readdirSync };
});

const EXTENSIONS = ['.md'];
const MAX = 1 << 20;
const SECRET = 'SECRET-OUTSIDE-7f3a';
const article = (title: string, body = `${title} body text.`) =>
  `---\ntitle: ${title}\ndate: 2022-01-0${title.length % 9 || 1}\n---\n${body}\n`;

const temps: Array<Awaited<ReturnType<typeof makeTempDir>>> = [];
afterEach(async () => {
  hooks.afterReaddir = undefined;
  for (const t of temps.splice(0)) await t.remove();
});

/** seeds/ with a.md and b.md (and sub/c.md), outside/ with a file holding the secret. */
async function tree() {
  const t = await makeTempDir('seedfeed-race-');
  temps.push(t);
  const seeds = path.join(t.dir, 'seeds');
  const outside = path.join(t.dir, 'outside');
  await mkdir(path.join(seeds, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(seeds, 'a.md'), article('Alpha'));
  await writeFile(path.join(seeds, 'b.md'), article('Bravo'));
  await writeFile(path.join(seeds, 'sub', 'c.md'), article('Charlie'));
  await writeFile(
    path.join(outside, 'secret.md'),
    article(SECRET, `${SECRET} must never be published.`),
  );
  return { root: t.dir, seeds, outside, secret: path.join(outside, 'secret.md') };
}

/** A Scanner whose parser first does `swap` (once): between the walk and the first read. */
function racingScanner(seeds: string, swap: () => Promise<void>): CatalogScanner {
  let pending: (() => Promise<void>) | undefined = swap;
  return new CatalogScanner(
    { seedsDir: seeds, extensions: EXTENSIONS, maxFileBytes: MAX },
    undefined,
    {
      parseBatch: async (files, max, options) => {
        const run = pending;
        pending = undefined;
        await run?.();
        return parseOnThisThread(files, max, options);
      },
    },
  );
}

/** Everything a catalog publishes: the feeds as served, and every file of the export. */
async function published(catalog: Catalog, out: string): Promise<string> {
  const site = await makeSite(catalog);
  const app = makeApp(() => site);
  const parts: string[] = [];
  for (const p of ['/rss.xml', '/atom.xml', '/feed.json'])
    parts.push(await (await app.request(p)).text());
  await writeSite(site, out);
  for (const file of await listFiles(out)) parts.push(await readFile(path.join(out, file), 'utf8'));
  return parts.join('\n');
}

const walked = async (seeds: string, rel: string): Promise<SeedFile> => {
  const file = (await walkSeeds(seeds, { extensions: EXTENSIONS })).files.find(
    (f) => f.path === rel,
  );
  expect(file, rel).toBeDefined();
  return file!;
};

const reasonOf = (result: Uint8Array | Rejection) =>
  'reason' in result
    ? result.reason
    : `read ${result.length} bytes: ${Buffer.from(result).toString('utf8').slice(0, 80)}`;

describe('a regular file swapped for a symbolic link after the walk', () => {
  it('is not read: a rejection saying so, and the secret is in no feed, no page, no export', async () => {
    const { root, seeds, secret } = await tree();
    const scanner = racingScanner(seeds, async () => {
      await unlink(path.join(seeds, 'a.md'));
      await symlink(secret, path.join(seeds, 'a.md'));
    });
    const { catalog } = await scanner.scan();
    expect(await published(catalog, path.join(root, 'out'))).not.toContain(SECRET);
    expect(catalog.rejected).toEqual([
      { file: 'a.md', reason: 'changed into a symbolic link while being scanned; not read' },
    ]);
    expect(catalog.articles.map((a) => a.title).sort()).toEqual(['Bravo', 'Charlie']);
  });

  it('is not read by the workers’ synchronous read either', async () => {
    const { seeds, secret } = await tree();
    const file = await walked(seeds, 'a.md');
    await unlink(path.join(seeds, 'a.md'));
    await symlink(secret, path.join(seeds, 'a.md'));
    expect(reasonOf(readSeedBytesSync(file, MAX))).toBe(
      'changed into a symbolic link while being scanned; not read',
    );
    expect(reasonOf(await readSeedBytes(file, MAX))).toBe(
      'changed into a symbolic link while being scanned; not read',
    );
  });

  it('a link to another file inside the tree is refused just the same (the read never follows a link the walk did not vet)', async () => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await unlink(path.join(seeds, 'a.md'));
    await symlink('b.md', path.join(seeds, 'a.md'));
    expect(reasonOf(readSeedBytesSync(file, MAX))).toBe(
      'changed into a symbolic link while being scanned; not read',
    );
  });
});

describe('a file replaced by another regular file after the walk', () => {
  it('is not read: it is not the file the walk saw (the next scan reads the new one)', async () => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await writeFile(path.join(seeds, 'a.md.new'), article('Alpha two'));
    await rename(path.join(seeds, 'a.md.new'), path.join(seeds, 'a.md'));
    expect(reasonOf(readSeedBytesSync(file, MAX))).toBe(
      'replaced by another file while being scanned; not read (the next scan reads it)',
    );
    // …and the next walk sees the new file and reads it.
    expect(
      Buffer.from(readSeedBytesSync(await walked(seeds, 'a.md'), MAX) as Uint8Array).toString(),
    ).toContain('Alpha two');
  });

  it('an edit in place (same file, new bytes) is read as before', async () => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await writeFile(path.join(seeds, 'a.md'), article('Alpha edited'));
    expect(Buffer.from(readSeedBytesSync(file, MAX) as Uint8Array).toString()).toContain(
      'Alpha edited',
    );
  });
});

describe('an in-tree symbolic link whose target changes after the walk', () => {
  it('re-pointed outside: the secret is not read', async () => {
    const { root, seeds, secret } = await tree();
    await symlink('a.md', path.join(seeds, 'alias.md'));
    const scanner = racingScanner(seeds, async () => {
      await unlink(path.join(seeds, 'alias.md'));
      await symlink(secret, path.join(seeds, 'alias.md'));
    });
    const { catalog } = await scanner.scan();
    expect(await published(catalog, path.join(root, 'out'))).not.toContain(SECRET);
  });

  it('its target swapped for a link outside: refused', async () => {
    const { seeds, secret } = await tree();
    await symlink('a.md', path.join(seeds, 'alias.md'));
    const file = await walked(seeds, 'alias.md');
    await unlink(path.join(seeds, 'a.md'));
    await symlink(secret, path.join(seeds, 'a.md'));
    expect(reasonOf(readSeedBytesSync(file, MAX))).toBe(
      'changed into a symbolic link while being scanned; not read',
    );
  });

  it('a link to a directory inside, re-pointed outside after the walk: refused', async () => {
    const { seeds, outside } = await tree();
    await symlink('sub', path.join(seeds, 'linked'));
    await writeFile(path.join(outside, 'c.md'), article(SECRET, SECRET));
    // Walked under its real path (sub/c.md) and not again through the link; make a link-only directory.
    await rename(path.join(seeds, 'sub'), path.join(seeds, '.hidden-sub'));
    await unlink(path.join(seeds, 'linked'));
    await symlink('.hidden-sub', path.join(seeds, 'linked'));
    const file = await walked(seeds, 'linked/c.md');
    await unlink(path.join(seeds, 'linked'));
    await symlink(outside, path.join(seeds, 'linked'));
    expect(reasonOf(readSeedBytesSync(file, MAX))).not.toContain(SECRET);
    expect(reasonOf(await readSeedBytes(file, MAX))).not.toContain(SECRET);
  });
});

describe('a directory swapped for a link outside in the middle of the walk', () => {
  it('files the walk was fooled into listing are not read: their real path is outside the seeds directory', async () => {
    const { root, seeds, outside } = await tree();
    await mkdir(path.join(seeds, 'a-first'));
    await writeFile(path.join(seeds, 'a-first', 'd.md'), article('Delta'));
    // The walk lstats a-first/ and sub/, then lists a-first/: sub/ is swapped then, before it is listed.
    hooks.afterReaddir = (dir) => {
      if (path.basename(dir) !== 'a-first') return;
      hooks.afterReaddir = undefined;
      execFileSync('sh', [
        '-c',
        'mv "$1" "$1.gone" && ln -s "$2" "$1"',
        'sh',
        path.join(seeds, 'sub'),
        outside,
      ]);
    };
    const { catalog } = await new CatalogScanner({
      seedsDir: seeds,
      extensions: EXTENSIONS,
      maxFileBytes: MAX,
    }).scan();
    expect(await published(catalog, path.join(root, 'out'))).not.toContain(SECRET);
    expect(catalog.rejected).toContainEqual({
      file: 'sub/secret.md',
      reason:
        'is outside the seeds directory when opened (a directory on its path changed while being scanned); not read',
    });
  });

  it('swapped between being listed and being looked at: the walk vets it as the link it now is', async () => {
    const { seeds, outside } = await tree();
    hooks.afterReaddir = (dir) => {
      if (path.basename(dir) !== 'seeds') return;
      hooks.afterReaddir = undefined;
      execFileSync('sh', [
        '-c',
        'mv "$1" "$1.gone" && ln -s "$2" "$1"',
        'sh',
        path.join(seeds, 'sub'),
        outside,
      ]);
    };
    const { files, rejected } = await walkSeeds(seeds, { extensions: EXTENSIONS });
    expect(files.map((f) => f.path)).toEqual(['a.md', 'b.md']);
    expect(rejected).toEqual([
      { file: 'sub', reason: 'skipped: symbolic link points outside the seeds directory' },
    ]);
  });
});

describe('what the walk hands to the read', () => {
  it('real paths (a link’s target’s), the device and inode it saw, and the seeds directory’s real path', async () => {
    const { root, seeds } = await tree();
    await symlink('a.md', path.join(seeds, 'alias.md'));
    const viaLink = path.join(root, 'seeds-link');
    await symlink(seeds, viaLink);
    const { files } = await walkSeeds(viaLink, { extensions: EXTENSIONS });
    const st = await stat(path.join(seeds, 'a.md'));
    const real = await realpath(seeds);
    expect(files.find((f) => f.path === 'alias.md')).toMatchObject({
      absPath: path.join(real, 'a.md'),
      ino: st.ino,
      dev: st.dev,
      root: real,
    });
    const plain = files.find((f) => f.path === 'sub/c.md')!;
    expect(plain).toMatchObject({ root: real });
    expect(seedPath(plain)).toBe(path.join(real, 'sub', 'c.md'));
  });
});

describe('a FIFO or a device swapped in after the walk', () => {
  it('a FIFO: refused at once, the read does not block', async () => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await unlink(path.join(seeds, 'a.md'));
    execFileSync('mkfifo', [path.join(seeds, 'a.md')]);
    const result = await Promise.race([
      readSeedBytes(file, MAX),
      new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 2000)),
    ]);
    if (result === 'blocked') {
      // Unblock the reader so the test ends: a writer opens the FIFO and closes it.
      execFileSync('sh', ['-c', ': > "$1"', 'sh', path.join(seeds, 'a.md')]);
    }
    expect(result === 'blocked' ? 'blocked' : reasonOf(result)).toBe(
      'changed into a FIFO while being scanned; not read',
    );
  });

  it('a FIFO: the synchronous read does not block either', async () => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await unlink(path.join(seeds, 'a.md'));
    const fifo = path.join(seeds, 'a.md');
    execFileSync('mkfifo', [fifo]);
    // Should the read block, this writer unblocks it after 3 s, so that the test fails instead of hanging.
    const rescuer = spawn('sh', ['-c', 'sleep 3; : > "$1"', 'sh', fifo], { stdio: 'ignore' });
    try {
      const started = performance.now();
      const result = readSeedBytesSync(file, MAX);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(reasonOf(result)).toBe('changed into a FIFO while being scanned; not read');
    } finally {
      rescuer.kill();
    }
  });

  it('a character device: refused without being read', async (context) => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await unlink(path.join(seeds, 'a.md'));
    try {
      execFileSync('mknod', [path.join(seeds, 'a.md'), 'c', '1', '3'], { stdio: 'ignore' }); // what /dev/null is
    } catch {
      context.skip(); // mknod needs privileges this machine may not give
    }
    expect(reasonOf(readSeedBytesSync(file, MAX))).toBe(
      'changed into a device while being scanned; not read',
    );
  });
});

describe('the size cap comes from the opened file', () => {
  it('a file grown past the cap after the walk is refused with its size, without reading it whole', async () => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await truncate(path.join(seeds, 'a.md'), 3 * 1024 ** 3); // sparse: 3 GB, no disk used
    expect(reasonOf(readSeedBytesSync(file, MAX))).toBe(
      'file is 3072.0 MB, over the 1.0 MB size limit',
    );
    expect(reasonOf(await readSeedBytes(file, MAX))).toBe(
      'file is 3072.0 MB, over the 1.0 MB size limit',
    );
  });

  it('a file exactly at the cap is read; one byte more is not', async () => {
    const { seeds } = await tree();
    const body = (n: number) =>
      article('Exact') + 'x'.repeat(n - Buffer.byteLength(article('Exact')));
    await writeFile(path.join(seeds, 'a.md'), body(1024));
    const file = await walked(seeds, 'a.md');
    expect((readSeedBytesSync(file, 1024) as Uint8Array).length).toBe(1024);
    await writeFile(path.join(seeds, 'a.md'), body(1025)); // grown in place after the walk
    expect(reasonOf(readSeedBytesSync(file, 1024))).toBe(
      'file is 1.0 KB, over the 1.0 KB size limit',
    );
  });
});

describe('removed after the walk', () => {
  it('says so, as before', async () => {
    const { seeds } = await tree();
    const file = await walked(seeds, 'a.md');
    await rm(path.join(seeds, 'a.md'));
    expect(reasonOf(readSeedBytesSync(file, MAX))).toBe('removed while the scan was reading it');
    expect(reasonOf(await readSeedBytes(file, MAX))).toBe('removed while the scan was reading it');
  });
});
