import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CATALOG_SNAPSHOT,
  loadCatalogSnapshot,
  saveCatalogSnapshot,
} from '../../src/export/catalog-snapshot.js';
import type { Draft } from '../../src/model.js';
import type { CachedResult } from '../../src/scan/scanner.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

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

/** The lines after the header, as the snapshot was written when it joined 1,000 lines per string. */
const KNOWN_GOOD = [
  '["a.md","10:1700000000000.5:42","AAAAAAAAAAAAAAAAAAAAAA",{"source":"a.md","title":"A \u201cquoted\u201d \u5c71\u4e1c \ud83d\ude00","link":"https://example.org/a","categories":["\u519c\u4e1a"],"tags":[],"summary":"A \u201cquoted\u201d \u5c71\u4e1c \ud83d\ude00 summary","contentHash":"abababababababababababababababababababababababababababababababab","notes":["a note"],"date":1704164645678,"sketch":"AQAAAAIAAAD/////"},0]',
  '["b.md","racy",0,{"file":"b.md","reason":"empty"},0]',
  '["c/d.md","7:1:3",0,{"source":"c/d.md","title":"line\\nbreak\u2028","link":"https://example.org/a","categories":["\u519c\u4e1a"],"tags":[],"summary":"line\\nbreak\u2028 summary","contentHash":"abababababababababababababababababababababababababababababababab","notes":["a note"],"date":1704164645678,"sketch":"AQAAAAIAAAD/////"},1700000000000]',
  '{"entries":3,"sha1":"effb75e42e60ec848a2028594595bfd3f46ab64b"}',
];

async function save(entries: Map<string, CachedResult>): Promise<string> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-snapshot-bytes-'));
  dirs.push(out);
  const { saved } = await loadCatalogSnapshot(out, SETTINGS);
  await saveCatalogSnapshot(out, entries, new Set(entries.keys()), saved);
  return out;
}

describe('the catalog snapshot, written a buffer at a time', () => {
  it('has the bytes of the earlier serialization', async () => {
    const entries = new Map<string, CachedResult>([
      [
        'a.md',
        {
          stamp: { size: 10, mtimeMs: 1700000000000.5, ino: 42 },
          result: draft('a.md', 'A “quoted” 山东 😀'),
          digest: 'AAAAAAAAAAAAAAAAAAAAAA',
        },
      ],
      ['b.md', { stamp: 'racy', result: { file: 'b.md', reason: 'empty' } }],
      [
        'c/d.md',
        {
          stamp: { size: 7, mtimeMs: 1, ino: 3 },
          result: draft('c/d.md', 'line\nbreak\u2028'),
          since: 1700000000000,
        },
      ],
    ]);
    const text = await readFile(path.join(await save(entries), CATALOG_SNAPSHOT), 'utf8');
    const lines = text.split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      version: 4,
      key: '[4,"/srv/seeds",1000000,true]',
    });
    expect(lines.slice(1)).toEqual([...KNOWN_GOOD, '']);
  });

  it('spans many buffers of multi-byte text and reads back whole', async () => {
    // ~2.5 MB of three- and four-byte characters: the 1 MB buffer fills and is written many times.
    const entries = new Map<string, CachedResult>();
    for (let i = 0; i < 3000; i++) {
      const file = `dir-${i % 7}/文章-${i}.md`;
      const title = `${'山东化工😀'.repeat(40 + (i % 13))} ${i}`;
      entries.set(file, {
        stamp: { size: i, mtimeMs: i * 1000.25, ino: i },
        result: draft(file, title),
      });
    }
    const out = await save(entries);
    const loaded = await loadCatalogSnapshot(out, SETTINGS);
    expect(loaded.ignored).toBeUndefined();
    expect([...loaded.entries.keys()]).toEqual([...entries.keys()]);
    expect(loaded.entries.get('dir-3/文章-2999.md')?.result).toMatchObject({
      title: `${'山东化工😀'.repeat(40 + (2999 % 13))} 2999`,
    });
  });
});
