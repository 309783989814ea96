/**
 * The manifest (`.seedfeed-manifest.json`) lies in the output directory, where anyone who can
 * write there can edit it; it names the files the next export removes. Every entry must be a
 * plain relative path inside --out that passes through no symbolic link; one bad entry and the
 * manifest is damaged: a warning, and nothing it names is removed or trusted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MANIFEST, writeSite } from '../../src/export/write-site.js';
import type { Site } from '../../src/render/site.js';
import { NEVER, recordingLogger, Sandbox, writeSeed } from '../live/harness.js';
import { REPO, SAMPLES, makeTempDir, siteFor } from '../support/site.js';

let site: Site;
beforeAll(async () => {
  site = (await siteFor(SAMPLES)).site;
});

const temps: Array<Awaited<ReturnType<typeof makeTempDir>>> = [];
afterAll(async () => {
  for (const t of temps) await t.remove();
});

/** A temp dir with an export of the samples in `out/` and a victim file beside it. */
async function exported() {
  const t = await makeTempDir('seedfeed-manifest-');
  temps.push(t);
  const out = path.join(t.dir, 'out');
  await writeSite(site, out);
  const victim = path.join(t.dir, 'victim.txt');
  await writeFile(victim, 'not seedfeed’s to delete\n');
  return { root: t.dir, out, victim };
}

async function addEntries(out: string, entries: Record<string, unknown>): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(out, MANIFEST), 'utf8')) as {
    files: Record<string, unknown>;
  };
  Object.assign(manifest.files, entries);
  await writeFile(path.join(out, MANIFEST), JSON.stringify(manifest));
}

const damaged = (entry: string) =>
  expect.stringMatching(
    new RegExp(
      `^${MANIFEST.replaceAll('.', '\\.')} in .* is damaged \\(entry ${escape(JSON.stringify(entry))}: .*\\); it is ignored`,
    ),
  );
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('manifest entries that leave the output directory are never followed', () => {
  it('`../victim.txt`: the file outside --out is not deleted; a warning', async () => {
    const { out, victim } = await exported();
    await addEntries(out, { '../victim.txt': 'x' });
    const stats = await writeSite(site, out);
    expect(existsSync(victim)).toBe(true);
    expect(stats.warnings).toEqual([damaged('../victim.txt')]);
  });

  it('`../out2/…`, a sibling whose name starts like --out: neither the file nor its directory is removed', async () => {
    const { root, out } = await exported();
    await mkdir(path.join(root, 'out2', 'sub'), { recursive: true });
    await writeFile(path.join(root, 'out2', 'sub', 'page.html'), 'a neighbour');
    await addEntries(out, { '../out2/sub/page.html': 'x' });
    const stats = await writeSite(site, out);
    expect(existsSync(path.join(root, 'out2', 'sub', 'page.html'))).toBe(true);
    expect(stats.warnings).toEqual([damaged('../out2/sub/page.html')]);
  });

  it('an entry through a symbolic link to a directory elsewhere: the file there is not deleted', async () => {
    const { root, out } = await exported();
    await mkdir(path.join(root, 'elsewhere'));
    await writeFile(path.join(root, 'elsewhere', 'precious.txt'), 'kept');
    await symlink(path.join(root, 'elsewhere'), path.join(out, 'linked'));
    await addEntries(out, { 'linked/precious.txt': 'x' });
    const stats = await writeSite(site, out);
    expect(existsSync(path.join(root, 'elsewhere', 'precious.txt'))).toBe(true);
    expect(stats.warnings).toEqual([damaged('linked/precious.txt')]);
  });

  it.each([
    ['absolute', '/etc/hostname'],
    ['a NUL byte', 'rss.xml\u0000.bak'],
    ['a backslash', '..\\victim.txt'],
    ['a dot segment', 'categories/./x.html'],
    ['an empty segment', 'categories//x.html'],
    ['a trailing slash', 'categories/'],
    ['empty', ''],
    ['only dots', '..'],
  ])('%s (%j): refused, the export still completes', async (_, entry) => {
    const { out, victim } = await exported();
    await addEntries(out, { [entry]: 'x' });
    const stats = await writeSite(site, out);
    expect(stats.warnings).toEqual([damaged(entry)]);
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(path.join(out, 'rss.xml'))).toBe(true);
  });

  it('a damaged manifest is not trusted at all: every file is written again, nothing it names is removed', async () => {
    const { out } = await exported();
    // A file an earlier export really wrote, no longer part of the site: normally it would go.
    await writeFile(path.join(out, 'old.html'), 'stale');
    await addEntries(out, { 'old.html': 'k', '../victim.txt': 'x' });
    const stats = await writeSite(site, out);
    expect(stats).toMatchObject({ written: site.size, unchanged: 0, removed: 0 });
    expect(existsSync(path.join(out, 'old.html'))).toBe(true);
    // The manifest written now is whole again: the next export trusts it.
    const next = await writeSite(site, out);
    expect(next).toMatchObject({ written: 0, unchanged: site.size, removed: 0, warnings: [] });
  });

  it('a manifest that is not JSON, or not of this shape, is damaged too', async () => {
    for (const text of [
      '{"version":1,"files":{"a.html',
      '[1,2]',
      '{"version":1,"files":{"rss.xml":7}}',
    ]) {
      const { out } = await exported();
      await writeFile(path.join(out, MANIFEST), text);
      const stats = await writeSite(site, out);
      expect(stats.warnings, text).toEqual([expect.stringMatching(/is damaged .*; it is ignored/)]);
      expect(stats.written).toBe(site.size);
    }
  });
});

describe('a good manifest works as before', () => {
  it('a stale file an earlier export wrote is removed, with the directories it leaves empty, inside --out only', async () => {
    const { out } = await exported();
    await mkdir(path.join(out, 'gone', 'deeper'), { recursive: true });
    await writeFile(path.join(out, 'gone', 'deeper', 'index.html'), 'stale');
    await addEntries(out, { 'gone/deeper/index.html': 'k' });
    const stats = await writeSite(site, out);
    expect(stats).toMatchObject({ written: 0, removed: 1, warnings: [] });
    expect(existsSync(path.join(out, 'gone'))).toBe(false);
    expect(existsSync(out)).toBe(true);
  });
});

describe('seedfeed build and serve say so', () => {
  it('build: a warning on stderr, exit 0, the victim kept', async () => {
    const { out, victim } = await exported();
    await addEntries(out, { '../victim.txt': 'x' });
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(REPO, 'bin', 'seedfeed.js'), 'build', '--seeds', SAMPLES, '--out', out],
      { cwd: REPO },
    );
    expect(stdout).toMatch(/^built /);
    expect(stderr).toMatch(
      /^seedfeed: warning: \.seedfeed-manifest\.json in .* is damaged \(entry "\.\.\/victim\.txt": /,
    );
    expect(existsSync(victim)).toBe(true);
  });

  it('serve: an export_warning in the log', async () => {
    const sandbox = new Sandbox();
    try {
      const dirs = await sandbox.makeDirs();
      await writeSeed(dirs.seeds, 'a.md', {
        title: 'Harbour reopens',
        day: 1,
        categories: ['Port'],
        body: 'Ships are back.',
      });
      await mkdir(dirs.out, { recursive: true });
      await writeFile(
        path.join(dirs.out, MANIFEST),
        JSON.stringify({ version: 1, files: { '../victim.txt': 'x' } }),
      );
      await writeFile(path.join(dirs.root, 'victim.txt'), 'kept');
      const { logger, events } = recordingLogger();
      const { live } = await sandbox.start(dirs, { cron: NEVER }, { logger });
      await live.trigger('start');
      expect(events.find((e) => e.event === 'export_warning')).toMatchObject({ level: 'warn' });
      expect(existsSync(path.join(dirs.root, 'victim.txt'))).toBe(true);
    } finally {
      await sandbox.cleanup();
    }
  });
});
