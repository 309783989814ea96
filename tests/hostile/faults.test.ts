/**
 * Faults in the file system, made to happen at the worst moment: a file or a directory removed
 * between listing and reading, a file caught half-written (also when its size and mtime end up
 * as listed), an export that fails part-way (a full disk, a refused write: simulated by failing
 * the writes into the output directory), and a damaged state file. Each has a defined outcome,
 * the scan goes on, and serving continues.
 *
 * Covered elsewhere and not repeated here: the seeds directory removed and restored, with and
 * without the watcher (tests/live/failure.test.ts); a damaged state file's guids and ETags
 * (tests/live/restart.test.ts). A SIGKILL in the middle of an export: faults-crash.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseOnThisThread, type Parser } from '../../src/catalog/draft-file.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { STATE_FILE } from '../../src/export/state.js';
import {
  NEVER,
  Sandbox,
  get200,
  health,
  recordingLogger,
  rssItems,
  seedText,
  until,
  writeSeed,
} from '../live/harness.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

/** Hooks into node:fs and node:fs/promises, off unless a test sets them. */
const hooks = vi.hoisted(() => ({
  afterReaddir: undefined as ((dir: string) => void) | undefined,
  failWrite: undefined as ((file: string) => NodeJS.ErrnoException | undefined) | undefined,
  /** A write into the output waits for this (a slow disk). */
  holdWrite: undefined as ((file: string) => Promise<void> | undefined) | undefined,
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

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile = (async (file: Parameters<typeof actual.writeFile>[0], ...rest: unknown[]) => {
    const error = hooks.failWrite?.(String(file));
    if (error) throw error;
    await hooks.holdWrite?.(String(file));
    return (actual.writeFile as (...a: unknown[]) => Promise<void>)(file, ...rest);
  }) as typeof actual.writeFile;
  return { ...actual, default: { ...actual, writeFile }, writeFile };
});

const sandbox = new Sandbox();
afterEach(async () => {
  hooks.afterReaddir = undefined;
  hooks.failWrite = undefined;
  hooks.holdWrite = undefined;
  await sandbox.cleanup();
});

const A = {
  title: 'Harbour reopens',
  day: 1,
  categories: ['Port'],
  body: 'Ships are back in the harbour.',
};
const B = {
  title: 'Bridge repaired',
  day: 2,
  categories: ['Roads'],
  body: 'The old bridge carries traffic again.',
};
const C = {
  title: 'Library extended',
  day: 3,
  categories: ['Culture'],
  body: 'A new wing opens with ten thousand books.',
};

function scannerFor(seedsDir: string, parser?: Parser): CatalogScanner {
  return new CatalogScanner(
    { seedsDir, extensions: ['.md'], maxFileBytes: 1 << 20 },
    undefined,
    parser,
  );
}

const titles = (scanner: { catalog: { articles: ReadonlyArray<{ title: string }> } }) =>
  scanner.catalog.articles.map((a) => a.title).sort();

describe('files and directories that go away during a scan', () => {
  it('a file deleted between listing and reading: a rejection saying so, the rest of the scan goes on; the next scan forgets it', async () => {
    const dirs = await sandbox.makeDirs();
    for (const [file, spec] of [
      ['a.md', A],
      ['b.md', B],
      ['c.md', C],
    ] as const)
      await writeSeed(dirs.seeds, file, spec);
    let deleteFirst = true;
    const scanner = scannerFor(dirs.seeds, {
      parseBatch: async (files, max, options) => {
        if (deleteFirst) await rm(path.join(dirs.seeds, 'b.md'));
        deleteFirst = false;
        return parseOnThisThread(files, max, options);
      },
    });
    const first = await scanner.scan();
    expect(titles(first)).toEqual([A.title, C.title].sort());
    expect(first.catalog.rejected).toEqual([
      { file: 'b.md', reason: 'removed while the scan was reading it' },
    ]);

    const second = await scanner.scan();
    expect(titles(second)).toEqual([A.title, C.title].sort());
    expect(second.catalog.rejected).toEqual([]);
    expect(second.catalog.files).toBe(2);
  });

  it('a subdirectory removed between listing its parent and entering it: skipped, the scan goes on', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    await writeSeed(dirs.seeds, 'gone/b.md', B);
    await writeSeed(dirs.seeds, 'kept/c.md', C);
    const scanner = scannerFor(dirs.seeds);
    hooks.afterReaddir = (dir) => {
      if (path.basename(dir) !== 'seeds') return;
      hooks.afterReaddir = undefined;
      // Synchronously, between readdir and the lstat of the entry: exactly the window of a race.
      rmSync(path.join(dirs.seeds, 'gone'), { recursive: true });
    };
    const result = await scanner.scan();
    expect(titles(result)).toEqual([A.title, C.title].sort());
    expect(result.catalog.rejected).toEqual([]);
  });

  it('a subdirectory removed after it was seen but before it is read: skipped without a rejection', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    await writeSeed(dirs.seeds, 'x/gone/b.md', B);
    const scanner = scannerFor(dirs.seeds);
    hooks.afterReaddir = (dir) => {
      if (path.basename(dir) !== 'x') return;
      hooks.afterReaddir = undefined;
      rmSync(path.join(dirs.seeds, 'x', 'gone'), { recursive: true });
    };
    const result = await scanner.scan();
    expect(titles(result)).toEqual([A.title]);
    expect(result.catalog.rejected).toEqual([]);
  });
});

describe('a file caught half-written', () => {
  const whole = seedText({
    title: 'Flood defences finished',
    day: 4,
    categories: ['Port'],
    body: 'The new sea wall is complete along the whole waterfront.',
  });

  it('is rejected or read in part; once complete, the next scan reads the whole file', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const file = path.join(dirs.seeds, 'half.md');
    const scanner = scannerFor(dirs.seeds);
    for (const cut of [10, whole.indexOf('---', 4) + 3, whole.length - 20]) {
      await writeFile(file, whole.slice(0, cut));
      await scanner.scan();
      await writeFile(file, whole);
      const { catalog } = await scanner.scan();
      const article = catalog.articles.find((a) => a.sources.includes('half.md'));
      expect(article?.title, `cut at ${cut}`).toBe('Flood defences finished');
      expect(article && summaryOf(article), `cut at ${cut}`).toBe(
        'The new sea wall is complete along the whole waterfront.',
      );
      expect(catalog.rejected).toEqual([]);
      await writeFile(file, '');
      await scanner.scan();
    }
  });

  it('also when the file ends with the size, mtime and inode it had when listed (a write within the same clock tick)', async () => {
    const dirs = await sandbox.makeDirs();
    const file = path.join(dirs.seeds, 'same-stamp.md');
    // Three versions of one length: listed as the first, read as the second, finished as the third.
    const listed = seedText({
      title: 'Version one',
      day: 5,
      categories: ['Port'],
      body: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    });
    const caught = seedText({
      title: 'Version two',
      day: 5,
      categories: ['Port'],
      body: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    });
    const final = seedText({
      title: 'Version 3!!',
      day: 5,
      categories: ['Port'],
      body: 'cccccccccccccccccccccccccccccccccccccccc',
    });
    expect(new Set([listed.length, caught.length, final.length]).size).toBe(1);
    const tick = Math.floor(Date.now() / 1000); // whole seconds: the same mtime can be set again exactly
    const rewrite = async (text: string) => {
      await writeFile(file, text); // in place: the inode stays
      await utimes(file, tick, tick);
    };
    await rewrite(listed);
    let interfere = true;
    const scanner = scannerFor(dirs.seeds, {
      parseBatch: async (files, max, options) => {
        if (interfere) await rewrite(caught); // after the listing, before the read
        interfere = false;
        return parseOnThisThread(files, max, options);
      },
    });
    expect((await scanner.scan()).catalog.articles.map((a) => a.title)).toEqual(['Version two']);
    await rewrite(final);
    expect((await scanner.scan()).catalog.articles.map((a) => a.title)).toEqual(['Version 3!!']);
  });

  it('an article whose file is caught truncated mid-rewrite stays in the feeds until the file settles', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    await writeSeed(dirs.seeds, 'b.md', B);
    const scanner = scannerFor(dirs.seeds);
    await scanner.scan();
    // A crawler rewriting b.md in place: truncated, then (not yet) written.
    const file = path.join(dirs.seeds, 'b.md');
    await writeFile(file, '');
    const caught = await scanner.scan();
    expect(titles(caught)).toEqual([A.title, B.title].sort());
    expect(caught.stats.held).toBe(1);
    expect(caught.catalog.rejected).toEqual([]);
    // Finished: the new version is read.
    await writeSeed(dirs.seeds, 'b.md', { ...B, title: 'Bridge repaired and widened' });
    expect(titles(await scanner.scan())).toEqual([A.title, 'Bridge repaired and widened'].sort());
    // Left broken long enough to have settled: now it is rejected like any bad file.
    await writeFile(file, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const settled = await scanner.scan();
    expect(titles(settled)).toEqual([A.title]);
    expect(settled.catalog.rejected).toEqual([{ file: 'b.md', reason: 'file is empty' }]);
  });

  it('the live service rescans by itself once such a file has settled', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    await writeSeed(dirs.seeds, 'b.md', B);
    const { live, origin } = await sandbox.start(dirs, { cron: NEVER });
    await live.trigger('start');
    await writeFile(path.join(dirs.seeds, 'b.md'), '');
    await live.trigger('caught mid-write');
    expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toEqual([
      B.title,
      A.title,
    ]);
    const scans = live.scans;
    // Nothing else happens: no trigger, no watcher, no schedule; the held file brings one more scan.
    await until(
      'the rescan after the file settled',
      async () => (live.scans > scans && !live.health().body.scanning ? true : undefined),
      6_000,
    );
    expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toEqual([
      A.title,
    ]);
  });

  it('a file long settled is not read again by an unchanged rescan', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const old = new Date('2024-01-01T00:00:00Z');
    await utimes(path.join(dirs.seeds, 'a.md'), old, old);
    const scanner = scannerFor(dirs.seeds);
    const first = await scanner.scan();
    const second = await scanner.scan();
    expect(second.stats.changed).toBe(0);
    expect(second.catalog).toBe(first.catalog);
  });
});

/** Every file under `dir` (relative path → bytes), dotfiles included. */
async function snapshotDir(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, abs), await readFile(abs));
  }
  return out;
}

function errnoError(code: string, file: string): NodeJS.ErrnoException {
  const messages: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EACCES: 'permission denied',
    EROFS: 'read-only file system',
  };
  return Object.assign(new Error(`${code}: ${messages[code]}, open '${file}'`), {
    code,
    errno: -28,
    syscall: 'open',
    path: file,
  });
}

describe('an export that fails part-way', () => {
  it.each([
    ['the disk is full (ENOSPC) after a few files', 'ENOSPC', 3],
    ['the output directory refuses writes (EACCES)', 'EACCES', 0],
    ['the file system went read-only (EROFS) half-way', 'EROFS', 6],
  ])(
    '%s: a clear error, the previous export intact with no temporary files, the new scan served; the export is written once the disk recovers, with no seed change',
    async (_, code, allowed) => {
      const dirs = await sandbox.makeDirs();
      await writeSeed(dirs.seeds, 'a.md', A);
      await writeSeed(dirs.seeds, 'b.md', B);
      const { logger, events } = recordingLogger();
      const { live, origin } = await sandbox.start(dirs, { cron: NEVER }, { logger });
      await live.trigger('start');
      const good = await get200(origin, '/rss.xml');
      const exported = await snapshotDir(dirs.out);

      // New content: an edited article, a new one in a new category.
      await writeSeed(dirs.seeds, 'a.md', { ...A, title: 'Harbour reopens to cruise ships' });
      await writeSeed(dirs.seeds, 'c.md', C);
      let writes = 0;
      hooks.failWrite = (file) =>
        file.startsWith(dirs.out) && ++writes > allowed ? errnoError(code, file) : undefined;
      await live.trigger('disk trouble');

      const failed = await health(origin);
      expect(failed.body.status).toBe('degraded');
      // /healthz says what failed, never where (http/scan-error.ts); the log has the path.
      expect(failed.body.lastScan!.error).toBe(
        `the export failed (${code}); the previous export is kept; the server log has the details`,
      );
      expect(events.find((e) => e.event === 'scan_failed')?.fields).toMatchObject({
        serving: 'this scan (its export is written again by the next scan)',
      });
      expect(String(events.find((e) => e.event === 'scan_failed')?.fields.error)).toContain(
        `export to ${dirs.out} failed: ${code}`,
      );
      // The export is exactly what it was: same files, same bytes, no temporaries.
      expect(await snapshotDir(dirs.out)).toEqual(exported);
      // Readers have the new scan: the Site is swapped in before its export is written.
      const during = await get200(origin, '/rss.xml');
      expect(during.etag).not.toBe(good.etag);
      expect(rssItems(during.text).map((i) => i.title)).toEqual([
        C.title,
        B.title,
        'Harbour reopens to cruise ships',
      ]);

      hooks.failWrite = undefined;
      await live.trigger('disk freed');
      expect((await health(origin)).body.status).toBe('ok');
      const titles = rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title);
      expect(titles).toEqual([C.title, B.title, 'Harbour reopens to cruise ships']);
      const now = await snapshotDir(dirs.out);
      expect(now.get('rss.xml')!.equals((await get200(origin, '/rss.xml')).body)).toBe(true);
      expect(now.has(path.join('categories', 'culture', 'rss.xml'))).toBe(true);
      expect([...now.keys()].filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
  );

  it('a slow export does not hold readers back: the new Site is served while its files are still being written', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { live, origin } = await sandbox.start(dirs, { cron: NEVER });
    await live.trigger('start');
    const before = await readFile(path.join(dirs.out, 'rss.xml'));

    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let held = 0;
    hooks.holdWrite = (file) => (file.startsWith(dirs.out) ? (held++, gate) : undefined);
    await writeSeed(dirs.seeds, 'b.md', B);
    const scan = live.trigger('new file');

    await until('the new article served', async () =>
      rssItems((await get200(origin, '/rss.xml')).text).some((i) => i.title === B.title)
        ? true
        : undefined,
    );
    // The export has begun, and waits on the slow disk with its first write.
    await until('the export to be writing', () => (held > 0 ? true : undefined));
    expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toContain(
      B.title,
    );
    expect((await readFile(path.join(dirs.out, 'rss.xml'))).equals(before)).toBe(true);

    open();
    await scan;
    const served = await get200(origin, '/rss.xml');
    expect((await readFile(path.join(dirs.out, 'rss.xml'))).equals(served.body)).toBe(true);
    expect((await health(origin)).body.status).toBe('ok');
  });

  it('a state file that cannot be written does not stop serving: a warning, and the new scan is served', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { logger, events } = recordingLogger();
    const { live, origin } = await sandbox.start(dirs, { cron: NEVER }, { logger });
    // A directory where the state file should be: renaming the new state over it fails.
    await mkdir(path.join(dirs.out, STATE_FILE, 'blocker'), { recursive: true });
    await live.trigger('start');
    expect((await health(origin)).body.status).toBe('ok');
    expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toEqual([
      A.title,
    ]);
    expect(events.find((e) => e.event === 'state_not_saved')).toMatchObject({ level: 'warn' });
  });
});

describe('a damaged state file', () => {
  it.each([
    ['truncated JSON', '{"version":1,"guids":{"byHa'],
    ['null', 'null'],
    ['an array', '[1,2,3]'],
    ['another version', '{"version":99}'],
    ['binary junk', '\u0000\u00ff\u00fe garbage'],
  ])(
    '%s: a warning in the log, a full scan, and the state written again whole',
    async (_, content) => {
      const dirs = await sandbox.makeDirs();
      await writeSeed(dirs.seeds, 'a.md', A);
      await mkdir(dirs.out, { recursive: true });
      await writeFile(path.join(dirs.out, STATE_FILE), content);
      const { logger, events } = recordingLogger();
      const { live, origin } = await sandbox.start(dirs, { cron: NEVER }, { logger });
      await live.trigger('start');

      expect(events.filter((e) => e.event === 'state_damaged')).toEqual([
        expect.objectContaining({
          level: 'warn',
          fields: expect.objectContaining({ file: STATE_FILE, error: expect.any(String) }),
        }),
      ]);
      expect((await health(origin)).body.status).toBe('ok');
      expect(rssItems((await get200(origin, '/rss.xml')).text).map((i) => i.title)).toEqual([
        A.title,
      ]);
      const state = JSON.parse(await readFile(path.join(dirs.out, STATE_FILE), 'utf8')) as {
        version: number;
        validators: Record<string, unknown>;
      };
      expect(state.version).toBe(1);
      expect(Object.keys(state.validators)).toContain('/rss.xml');
    },
  );

  it('a missing state file (a first start) is no warning', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', A);
    const { logger, events } = recordingLogger();
    const { live } = await sandbox.start(dirs, { cron: NEVER }, { logger });
    await live.trigger('start');
    expect(events.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
  });
});
