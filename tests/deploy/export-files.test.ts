/**
 * What nginx and rsync read from the export besides the bytes: mtimes and sizes. Unchanged files
 * are never touched; a changed file gets a later mtime even when rewritten within the second of
 * its last write at the same size; precompressed siblings always decode to their document, share
 * its mtime and go with it.
 */
import { describe, expect, it } from 'vitest';
import { cp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { nextMtimeSeconds } from '../../src/export/fresh-mtime.js';
import { writeSite } from '../../src/export/write-site.js';
import { makeSite, makeTempDir, SAMPLE, SAMPLES, scanCatalog } from '../support/site.js';

async function snapshot(out: string) {
  const files = new Map<string, { mtimeMs: number; bytes: Buffer }>();
  for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(out, file).split(path.sep).join('/');
    files.set(rel, { mtimeMs: (await stat(file)).mtimeMs, bytes: await readFile(file) });
  }
  return files;
}

/** One digit of a sample's body one higher: most documents showing it keep their size. */
async function bumpDigit(file: string) {
  const text = await readFile(file, 'utf8');
  const digit = /[0-8]/.exec(text.slice(200))!;
  const at = 200 + digit.index;
  await writeFile(file, `${text.slice(0, at)}${Number(digit[0]) + 1}${text.slice(at + 1)}`);
}

describe('export files for servers that validate by mtime and size', () => {
  it('nextMtimeSeconds: now, or one second past the old mtime when that is not earlier', () => {
    expect(nextMtimeSeconds(undefined, 100)).toBe(100);
    expect(nextMtimeSeconds(50, 100)).toBe(100);
    expect(nextMtimeSeconds(100, 100)).toBe(101);
    expect(nextMtimeSeconds(130, 100)).toBe(131);
  });

  it('siblings decode to their documents and share their mtime; unchanged files are untouched; changed ones get a later second', async () => {
    const { dir, remove } = await makeTempDir('seedfeed-deploy-files-');
    try {
      const seeds = path.join(dir, 'seeds');
      const out = path.join(dir, 'out');
      await cp(SAMPLES, seeds, { recursive: true });
      await writeSite(await makeSite(await scanCatalog(seeds)), out);
      const first = await snapshot(out);

      for (const [rel, { bytes, mtimeMs }] of first) {
        const sibling = /^(.*)\.(gz|br)$/.exec(rel);
        if (!sibling) continue;
        const doc = first.get(sibling[1]!)!;
        expect(doc, rel).toBeDefined();
        const decoded = sibling[2] === 'gz' ? gunzipSync(bytes) : brotliDecompressSync(bytes);
        expect(decoded.equals(doc.bytes), rel).toBe(true);
        expect(Math.floor(mtimeMs / 1000), rel).toBe(Math.floor(doc.mtimeMs / 1000));
      }
      const documents = [...first.keys()].filter((f) => /(\.xml|\.json|index\.html)$/.test(f));
      for (const doc of documents)
        expect(first.has(`${doc}.gz`), doc).toBe(first.get(doc)!.bytes.length >= 512);
      expect(first.has('rss.xml.br')).toBe(true);

      // An export with nothing changed touches nothing.
      await writeSite(await makeSite(await scanCatalog(seeds)), out);
      const again = await snapshot(out);
      expect([...again].filter(([f, s]) => first.get(f)?.mtimeMs !== s.mtimeMs)).toEqual([]);

      // Every file as if written in the coming second: a rewrite now is within it.
      const second = Math.floor(Date.now() / 1000) + 1;
      for (const rel of first.keys()) await utimes(path.join(out, rel), second, second);
      const pinned = await snapshot(out);
      await bumpDigit(path.join(seeds, SAMPLE.s002.file));
      await writeSite(await makeSite(await scanCatalog(seeds)), out);
      const after = await snapshot(out);

      const changed = [...after.keys()].filter(
        (f) => !pinned.get(f)?.bytes.equals(after.get(f)!.bytes),
      );
      const sameSize = changed.filter(
        (f) => after.get(f)!.bytes.length === pinned.get(f)?.bytes.length,
      );
      expect(sameSize.filter((f) => !/\.(gz|br)$/.test(f)).length).toBeGreaterThan(0);
      for (const [rel, { mtimeMs }] of after) {
        const old = pinned.get(rel);
        if (!old) continue; // a new file (the edited article's page moved)
        if (changed.includes(rel)) expect(Math.floor(mtimeMs / 1000), rel).toBeGreaterThan(second);
        else expect(mtimeMs, rel).toBe(old.mtimeMs);
      }

      // A document that goes takes its siblings with it.
      const article = [...after.keys()].find(
        (f) => f.startsWith('articles/') && f.endsWith('.gz'),
      )!;
      await rm(path.join(seeds, SAMPLE.s000.file));
      await rm(path.join(seeds, SAMPLE.s001.file));
      await rm(path.join(seeds, SAMPLE.s002.file));
      await rm(path.join(seeds, SAMPLE.s003.file));
      await writeSite(await makeSite(await scanCatalog(seeds)), out);
      const last = await snapshot(out);
      const orphans = [...last.keys()].filter(
        (f) => /\.(gz|br)$/.test(f) && !last.has(f.replace(/\.(gz|br)$/, '')),
      );
      expect(orphans).toEqual([]);
      if (!last.has(article.slice(0, -3))) expect(last.has(article)).toBe(false);
    } finally {
      await remove();
    }
  }, 60_000);
});
