/**
 * What nginx and rsync read from the export besides the bytes: mtimes and sizes. Unchanged files
 * are never touched; a changed file gets a later mtime even when rewritten within the second of
 * its last write at the same size; precompressed siblings always decode to their document, share
 * its mtime and go with it.
 */
import { describe, expect, it } from 'vitest';
import { cp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
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
      const write = async () =>
        writeSite(await makeSite(await scanCatalog(seeds)), out, { precompress: true });
      await write();
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
        expect(first.has(`${doc}.gz`), doc).toBe(
          !doc.startsWith('articles/') && first.get(doc)!.bytes.length >= 512,
        );
      expect(first.has('rss.xml.br')).toBe(true);

      // An export with nothing changed touches nothing.
      await write();
      const again = await snapshot(out);
      expect([...again].filter(([f, s]) => first.get(f)?.mtimeMs !== s.mtimeMs)).toEqual([]);

      // Every file as if written in the coming second: a rewrite now is within it.
      const second = Math.floor(Date.now() / 1000) + 1;
      for (const rel of first.keys()) await utimes(path.join(out, rel), second, second);
      const pinned = await snapshot(out);
      await bumpDigit(path.join(seeds, SAMPLE.s002.file));
      await write();
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
      await rm(path.join(seeds, SAMPLE.s000.file));
      await rm(path.join(seeds, SAMPLE.s001.file));
      await rm(path.join(seeds, SAMPLE.s002.file));
      await rm(path.join(seeds, SAMPLE.s003.file));
      await write();
      const last = await snapshot(out);
      const siblingOfGone = (f: string) =>
        /\.(gz|br)$/.test(f) && !last.has(f.replace(/\.(gz|br)$/, ''));
      expect([...after.keys()].filter(siblingOfGone).length).toBeGreaterThan(0);
      expect([...last.keys()].filter(siblingOfGone)).toEqual([]);
    } finally {
      await remove();
    }
  }, 60_000);

  it('writes siblings only with precompress; turning it on or off rewrites what must change, and an old page .gz goes', async () => {
    const { dir, remove } = await makeTempDir('seedfeed-deploy-files-');
    try {
      const seeds = path.join(dir, 'seeds');
      const out = path.join(dir, 'out');
      await cp(SAMPLES, seeds, { recursive: true });
      const site = await makeSite(await scanCatalog(seeds));
      const siblings = async () =>
        [...(await snapshot(out)).keys()].filter((f) => /\.(gz|br)$/.test(f)).sort();

      const plain = await writeSite(site, out);
      expect(await siblings()).toEqual([]);

      const on = await writeSite(site, out, { precompress: true });
      const made = await siblings();
      expect(made).toContain('rss.xml.gz');
      expect(made).toContain('rss.xml.br');
      expect(made.filter((f) => f.startsWith('articles/'))).toEqual([]);
      // Only the documents that gained siblings were written again: not one article page.
      expect(on.written).toBe(made.length / 2);
      expect(on.written).toBeLessThan(plain.written);

      // A page .gz as exports before 2026-12-04 wrote them goes when its page is written again.
      const page = [...(await snapshot(out)).keys()].find((f) => f.startsWith('articles/'))!;
      await writeFile(path.join(out, `${page}.gz`), gzipSync(await readFile(path.join(out, page))));
      await writeFile(
        path.join(out, '.seedfeed-manifest.json'),
        (await readFile(path.join(out, '.seedfeed-manifest.json'), 'utf8')).replaceAll(
          '+z0',
          '+z1',
        ),
      );
      const off = await writeSite(site, out);
      expect(await siblings()).toEqual([]);
      expect(off.written).toBe(plain.written);
    } finally {
      await remove();
    }
  }, 60_000);
});
