import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CATALOG_LOG,
  CATALOG_SNAPSHOT,
  loadCatalogSnapshot,
  saveCatalogSnapshot,
} from '../../src/export/catalog-snapshot.js';
import { SNAPSHOT_VERSION } from '../../src/catalog/snapshot.js';
import type { Draft } from '../../src/model.js';
import type { CachedResult } from '../../src/scan/scanner.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function outDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-snapshot-'));
  dirs.push(dir);
  return dir;
}

const SETTINGS = { seedsDir: '/srv/seeds', maxFileBytes: 1_000_000, nearDupThreshold: 0.7 };
const draft = (source: string, title: string): Draft => ({
  source,
  title,
  link: 'https://example.org/a',
  date: Date.parse('2024-01-02T03:04:05.678Z'),
  categories: ['农业'],
  tags: [],
  contentHtml: '',
  summary: `${title} summary`,
  contentHash: 'ab'.repeat(32),
  sketch: Uint32Array.from([1, 2, 0xffffffff]),
  notes: ['a note'],
});
const entry = (
  source: string,
  title: string,
  stamp: CachedResult['stamp'] = { size: 10, mtimeMs: 1700000000000.5, ino: 42 },
): CachedResult => ({
  stamp,
  result: draft(source, title),
  digest: 'AAAAAAAAAAAAAAAAAAAAAA',
});

describe('the catalog snapshot', () => {
  it('gives back what was saved, then what the appended log changed', async () => {
    const out = await outDir();
    const entries = new Map<string, CachedResult>([
      ['a.md', entry('a.md', 'A')],
      ['b.md', { stamp: 'racy', result: { file: 'b.md', reason: 'empty' } }],
    ]);
    let saved = await saveCatalogSnapshot(
      out,
      entries,
      new Set(entries.keys()),
      (await loadCatalogSnapshot(out, SETTINGS)).saved,
    );
    const loaded = await loadCatalogSnapshot(out, SETTINGS);
    expect(loaded.ignored).toBeUndefined();
    expect(loaded.entries).toEqual(entries);
    expect((loaded.entries.get('a.md')!.result as Draft).sketch).toBeInstanceOf(Uint32Array);
    // A stamp is written as `size:mtimeMs:ino`, whatever else the object it was taken from holds.
    expect(await readFile(path.join(out, CATALOG_SNAPSHOT), 'utf8')).toContain(
      '["a.md","10:1700000000000.5:42",',
    );

    // One entry changes, one goes: two lines appended, the snapshot itself untouched.
    const snapshotBytes = await readFile(path.join(out, CATALOG_SNAPSHOT));
    const next = new Map(entries);
    next.set('a.md', entry('a.md', 'A edited', { size: 11, mtimeMs: 1700000001000, ino: 42 }));
    next.delete('b.md');
    saved = await saveCatalogSnapshot(out, next, new Set(['a.md', 'b.md']), saved);
    expect(await readFile(path.join(out, CATALOG_SNAPSHOT))).toEqual(snapshotBytes);
    expect((await readFile(path.join(out, CATALOG_LOG), 'utf8')).trim().split('\n')).toHaveLength(
      3,
    );
    expect((await loadCatalogSnapshot(out, SETTINGS)).entries).toEqual(next);
    // Nothing changed: nothing written.
    expect(await saveCatalogSnapshot(out, next, new Set(), saved)).toBe(saved);
  });

  it.each([
    ['a flipped byte', (t: string) => t.replace('A summary', 'B summary'), /checksum/],
    ['a cut end', (t: string) => t.slice(0, -20), /truncated/],
    ['no trailer', (t: string) => t.slice(0, t.lastIndexOf('{')), /truncated/],
    [
      'another format',
      (t: string) =>
        t.replace(`"version":${SNAPSHOT_VERSION}`, `"version":${SNAPSHOT_VERSION + 1}`),
      /outdated/,
    ],
    ['not JSON', () => 'garbage\nmore\n', /header/],
  ])('ignores a snapshot with %s and says why', async (_, damage, why) => {
    const out = await outDir();
    const entries = new Map([['a.md', entry('a.md', 'A')]]);
    await saveCatalogSnapshot(
      out,
      entries,
      new Set(entries.keys()),
      (await loadCatalogSnapshot(out, SETTINGS)).saved,
    );
    const file = path.join(out, CATALOG_SNAPSHOT);
    await writeFile(file, damage(await readFile(file, 'utf8')));
    const loaded = await loadCatalogSnapshot(out, SETTINGS);
    expect(loaded.ignored).toMatch(why);
    expect(loaded.entries.size).toBe(0);
  });

  it('is outdated under settings that change parses, or for another seeds directory', async () => {
    const out = await outDir();
    await saveCatalogSnapshot(
      out,
      new Map([['a.md', entry('a.md', 'A')]]),
      new Set(['a.md']),
      (await loadCatalogSnapshot(out, SETTINGS)).saved,
    );
    for (const other of [
      { ...SETTINGS, maxFileBytes: 10 },
      { ...SETTINGS, nearDupThreshold: 0 },
      { ...SETTINGS, seedsDir: '/srv/other' },
    ])
      expect((await loadCatalogSnapshot(out, other)).ignored).toMatch(/other settings/);
    expect((await loadCatalogSnapshot(out, SETTINGS)).entries.size).toBe(1);
  });

  it('ignores a log line that is not an entry, and drops a torn last line', async () => {
    const out = await outDir();
    const entries = new Map([['a.md', entry('a.md', 'A')]]);
    let saved = await saveCatalogSnapshot(
      out,
      entries,
      new Set(entries.keys()),
      (await loadCatalogSnapshot(out, SETTINGS)).saved,
    );
    saved = await saveCatalogSnapshot(
      out,
      new Map([['b.md', entry('b.md', 'B')]]),
      new Set(['a.md', 'b.md']),
      saved,
    );
    const log = path.join(out, CATALOG_LOG);
    const text = await readFile(log, 'utf8');
    await writeFile(log, `${text}["e","c.md",[1,2`);
    const torn = await loadCatalogSnapshot(out, SETTINGS);
    expect([...torn.entries.keys()]).toEqual(['b.md']);
    expect(torn.saved.log).toBeUndefined(); // the next save rewrites the snapshot whole
    await writeFile(log, `${text}["e","c.md",["racy",0,{"title":1}]]\n`);
    expect((await loadCatalogSnapshot(out, SETTINGS)).ignored).toMatch(/c\.md.*not valid/);
  });
});
