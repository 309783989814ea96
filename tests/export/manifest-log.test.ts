/**
 * The export's bookkeeping costs what changed: after a one-file change only the documents whose
 * render key changed are written, and the manifest and the state each get a few lines appended
 * to their logs (the snapshots stay as they were, the old log bytes a prefix of the new). A
 * restart reads them back; a torn last line is dropped and the directory checked; the log is
 * compacted into the snapshot once it outgrows twice the live entries, with the same content.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  MANIFEST_LOG,
  manifestOps,
  readManifest,
  saveManifest,
} from '../../src/export/manifest.js';
import { ManifestFiles } from '../../src/export/manifest-files.js';
import { loadState, STATE_FILE, STATE_LOG } from '../../src/export/state.js';
import { MANIFEST, writeSite } from '../../src/export/write-site.js';
import { Pipeline, type Run } from '../../src/pipeline.js';
import type { Site } from '../../src/render/site.js';
import { fileForPath } from '../../src/render/urls.js';
import {
  BASE_URL,
  LIMIT,
  SITE_TITLE,
  listFiles,
  tempDirsRemovedAfterAll,
} from '../support/site.js';
import { articleText, writeArticles } from '../support/small-corpus.js';

const tempDir = tempDirsRemovedAfterAll();

const ARTICLES = 40;
const lines = (text: string) => text.split('\n').filter(Boolean);
const read = (out: string, file: string) => readFile(path.join(out, file), 'utf8');

function pipelineFor(seeds: string, out: string, at: () => Date) {
  const settings = {
    seedsDir: seeds,
    extensions: ['.md'],
    maxFileBytes: 1 << 20,
    baseUrl: BASE_URL,
    siteTitle: SITE_TITLE,
    limit: LIMIT,
  };
  return new Pipeline({ settings, clock: at, export: { outDir: out, state: true } });
}

function built(run: Run) {
  if (run.outcome !== 'built' || !run.exported) throw new Error(`not exported: ${run.outcome}`);
  return { site: run.site, exported: run.exported };
}

/** Paths whose render key differs between two Sites, or that only one of them has. */
function changedPaths(before: Site, after: Site) {
  const written = [...after.paths()].filter((p) => before.keyOf(p) !== after.keyOf(p));
  const now = new Set(after.paths());
  const removed = [...before.paths()].filter((p) => !now.has(p));
  return { written, removed };
}

async function mtimes(out: string): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const file of await listFiles(out))
    times.set(file, (await stat(path.join(out, file))).mtimeMs);
  return times;
}

describe('a one-file change', () => {
  let seeds: string;
  let out: string;
  let clock = Date.parse('2030-01-01T00:00:00Z');
  let pipeline: Pipeline;
  let first: ReturnType<typeof built>;

  beforeAll(async () => {
    seeds = await tempDir('seedfeed-delta-seeds-');
    out = await tempDir('seedfeed-delta-out-');
    await writeArticles(seeds, ARTICLES);
    pipeline = pipelineFor(seeds, out, () => new Date((clock += 60_000)));
    first = built(await pipeline.run());
  });

  it('writes only the changed documents and appends to the manifest and state logs', async () => {
    // A cold export writes the snapshots whole; there is no log yet.
    expect(existsSync(path.join(out, MANIFEST_LOG))).toBe(false);
    expect(existsSync(path.join(out, STATE_LOG))).toBe(false);
    const manifestBefore = await read(out, MANIFEST);
    const stateBefore = await read(out, STATE_FILE);
    const timesBefore = await mtimes(out);

    let site = first.site;
    let logs = { manifest: '', state: '' };
    for (const edit of [5, 6]) {
      await writeFile(path.join(seeds, `00${edit}.md`), articleText(edit, ` edited ${edit}`));
      const next = built(await pipeline.run());
      const expected = changedPaths(site, next.site);
      expect(expected.written.length).toBeGreaterThan(0);
      expect(expected.written.length).toBeLessThan(next.site.size / 3);
      expect(next.exported).toMatchObject({
        written: expected.written.length,
        removed: expected.removed.length,
      });
      // The snapshots are not rewritten; the logs grew by one line per written or removed file.
      expect(await read(out, MANIFEST)).toBe(manifestBefore);
      expect(await read(out, STATE_FILE)).toBe(stateBefore);
      const manifestLog = await read(out, MANIFEST_LOG);
      const stateLog = await read(out, STATE_LOG);
      expect(manifestLog.startsWith(logs.manifest)).toBe(true);
      expect(stateLog.startsWith(logs.state)).toBe(true);
      const appended = lines(manifestLog.slice(logs.manifest.length));
      expect(appended).toHaveLength(
        (logs.manifest ? 0 : 1) + expected.written.length + expected.removed.length,
      );
      // The state log says what changed, not everything: far fewer lines than the state has entries.
      const stateEntries = Object.keys(JSON.parse(stateBefore).validators as object).length;
      expect(lines(stateLog.slice(logs.state.length)).length).toBeLessThan(stateEntries);
      logs = { manifest: manifestLog, state: stateLog };
      site = next.site;
    }
    // Files whose key did not change were left alone.
    const rewritten = new Set(changedPaths(first.site, site).written.map(fileForPath));
    const timesAfter = await mtimes(out);
    for (const [file, time] of timesBefore) {
      // A precompressed sibling goes with its document.
      const document = file.replace(/\.(gz|br)$/, '');
      if (rewritten.has(document) || !timesAfter.has(file) || file.startsWith('.seedfeed-'))
        continue;
      expect(timesAfter.get(file), file).toBe(time);
    }
  });

  it('a restart reads the manifest and state back: nothing is written, validators stand', async () => {
    const last = (await pipeline.run()) as Extract<Run, { outcome: 'unchanged' }>;
    expect(last.outcome).toBe('unchanged');
    const loaded = await readManifest(out);
    expect(loaded.damaged).toBeUndefined();
    expect(loaded.torn).toBeUndefined();
    expect([...loaded.manifest.files.keys()].sort()).toEqual(
      [...last.site.paths()].map(fileForPath).sort(),
    );
    const state = await loadState(out);
    expect(state.damaged).toBeUndefined();
    for (const [p, r] of last.site.resources)
      expect(state.validators.get(p), p).toEqual({
        key: r.key,
        etag: r.etag,
        lastModified: r.lastModified,
      });

    const logBefore = await read(out, MANIFEST_LOG);
    const again = built(await pipelineFor(seeds, out, () => new Date(clock + 3600_000)).run());
    expect(again.exported).toMatchObject({ written: 0, removed: 0 });
    expect(await read(out, MANIFEST_LOG)).toBe(logBefore);
    for (const p of ['/rss.xml', '/opml.xml'])
      expect(again.site.get(p)!.lastModified).toEqual(last.site.get(p)!.lastModified);
  });

  it('a torn last line is dropped; the directory is checked, and the log compacted', async () => {
    const { site } = (await pipeline.run()) as Extract<Run, { outcome: 'unchanged' }>;
    await appendFile(path.join(out, MANIFEST_LOG), '["f","rss.xml","0123');
    await rm(path.join(out, 'atom.xml')); // only a check of the directory finds this
    const loaded = await readManifest(out);
    expect(loaded.torn).toBe(true);
    expect(loaded.damaged).toBeUndefined();
    expect(loaded.manifest.log).toBeUndefined();

    const stats = await writeSite(site, out, { verify: false });
    expect(stats).toMatchObject({ written: 1, removed: 0, warnings: [] });
    expect(existsSync(path.join(out, 'atom.xml'))).toBe(true);
    // Compacted: one snapshot again, and it holds what the torn log did.
    expect(existsSync(path.join(out, MANIFEST_LOG))).toBe(false);
    const reread = await readManifest(out);
    expect(reread.torn).toBeUndefined();
    expect(reread.manifest.files.toJSON()).toEqual(loaded.manifest.files.toJSON());
  });
});

describe('a log that cannot be trusted', () => {
  let site: Site;
  let seeds: string;
  beforeAll(async () => {
    seeds = await tempDir('seedfeed-delta-seeds-');
    await writeArticles(seeds, 6);
    site = built(
      await pipelineFor(seeds, await tempDir('seedfeed-x-'), () => new Date(0)).run(),
    ).site;
  });

  /** An export of `site` whose manifest log is `log` (under the snapshot's generation). */
  async function exportWithLog(log: string[]) {
    const root = await tempDir('seedfeed-delta-');
    const out = path.join(root, 'out');
    await writeSite(site, out);
    const { generation } = JSON.parse(await read(out, MANIFEST)) as { generation: string };
    await writeFile(
      path.join(out, MANIFEST_LOG),
      [JSON.stringify({ generation }), ...log, ''].join('\n'),
    );
    const victim = path.join(root, 'victim.txt');
    await writeFile(victim, 'not seedfeed’s\n');
    return { out, victim };
  }

  it.each([
    ['a line that is no change', ['not json']],
    ['an entry that climbs out of --out', [JSON.stringify(['f', '../victim.txt', 'k'])]],
    ['an absolute entry', [JSON.stringify(['f', '/etc/passwd', 'k'])]],
  ])('%s: a warning; nothing it names is removed', async (_, log) => {
    const { out, victim } = await exportWithLog([JSON.stringify(['f', 'gone.html', 'k']), ...log]);
    await writeFile(path.join(out, 'gone.html'), 'someone’s\n');
    const stats = await writeSite(site, out);
    expect(stats.warnings).toEqual([expect.stringMatching(/is damaged .*; it is ignored/)]);
    expect(stats.removed).toBe(0);
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(path.join(out, 'gone.html'))).toBe(true);
  });

  it('a sound log removes what it names that the site no longer has', async () => {
    const { out } = await exportWithLog([JSON.stringify(['f', 'gone.html', 'k'])]);
    await writeFile(path.join(out, 'gone.html'), 'seedfeed’s, says the log\n');
    const stats = await writeSite(site, out);
    expect(stats).toMatchObject({ removed: 1, warnings: [] });
    expect(existsSync(path.join(out, 'gone.html'))).toBe(false);
  });

  it('a log left from before the snapshot was rewritten is ignored', async () => {
    const { out } = await exportWithLog([]);
    await writeFile(
      path.join(out, MANIFEST_LOG),
      `${JSON.stringify({ generation: 'older' })}\n${JSON.stringify(['f', 'rss.xml'])}\n`,
    );
    const loaded = await readManifest(out);
    expect(loaded.damaged).toBeUndefined();
    expect(loaded.manifest.files.get('rss.xml')).toBeDefined();
  });
});

describe('compaction', () => {
  it('once the log holds more than twice the live entries, the snapshot is rewritten with the same content', async () => {
    const out = await tempDir('seedfeed-compact-');
    const live = ManifestFiles.from({ 'a.html': 'k0', 'b.html': 'k0', 'c.html': 'k0' });
    let manifest = await saveManifest(out, (await readManifest(out)).manifest, live, [], 3);
    const snapshot = await read(out, MANIFEST);
    for (let i = 1; i <= 6; i++) {
      const files = ManifestFiles.from([...manifest.files, ['a.html', `k${i}`]]);
      manifest = await saveManifest(
        out,
        manifest,
        files,
        manifestOps(manifest, [['a.html', `k${i}`]], []),
        3,
      );
      expect(await read(out, MANIFEST)).toBe(snapshot);
      expect(lines(await read(out, MANIFEST_LOG))).toHaveLength(1 + i);
      expect((await readManifest(out)).manifest.files.toJSON()).toEqual(files.toJSON());
    }
    const files = ManifestFiles.from([...manifest.files, ['b.html', 'k7']]);
    manifest = await saveManifest(
      out,
      manifest,
      files,
      manifestOps(manifest, [['b.html', 'k7']], []),
      3,
    );
    expect(existsSync(path.join(out, MANIFEST_LOG))).toBe(false);
    expect(await read(out, MANIFEST)).not.toBe(snapshot);
    const reread = (await readManifest(out)).manifest;
    expect(reread).toMatchObject({ log: { lines: 0 } });
    expect(reread.files.toJSON()).toEqual(files.toJSON());
  });
});
