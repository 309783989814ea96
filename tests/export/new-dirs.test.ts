/**
 * A directory new to an export is staged as a whole (real-dirs.ts): made under a temporary name,
 * its files written in it under their own names, and renamed into place once everything is
 * written. A reader never sees it half filled; a failed or killed export leaves none of it; a file
 * that existed before is still replaced by a rename, never rewritten in place.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { link, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeArticlePages } from '../../src/export/article-pages.js';
import { isTempName } from '../../src/export/atomic.js';
import { ManifestFiles } from '../../src/export/manifest-files.js';
import { LinkInOutputError, OutputDirs } from '../../src/export/real-dirs.js';
import { commitStaged, EXPORT_MARKER, stageFile } from '../../src/export/staging.js';
import { writeSite } from '../../src/export/write-site.js';
import type { Site } from '../../src/render/site.js';
import { fileForPath } from '../../src/render/urls.js';
import { listFiles, SAMPLES, siteFor, tempDirsRemovedAfterAll } from '../support/site.js';

const tempDir = tempDirsRemovedAfterAll('seedfeed-new-dirs-');

let site: Site;
beforeAll(async () => {
  site = (await siteFor(SAMPLES)).site;
});

describe('OutputDirs', () => {
  it('stages a new directory: its files show at their names only once it is committed', async () => {
    const root = await tempDir();
    const dirs = new OutputDirs(root);
    const file = path.join(root, 'categories', 'x', 'rss.xml');
    const staged = await stageFile(file, 'feed', dirs);
    expect(staged.inNewDir).toBe(true);
    await commitStaged(staged); // nothing of its own to rename
    expect(existsSync(path.join(root, 'categories'))).toBe(false);
    const names = await readdir(root);
    expect(names).toHaveLength(1);
    expect(isTempName(names[0]!)).toBe(true);
    await dirs.commit();
    expect(await readdir(root)).toEqual(['categories']);
    expect(await readFile(file, 'utf8')).toBe('feed');
  });

  it('a directory that exists gets a temporary beside each file, renamed over it', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'categories'));
    const dirs = new OutputDirs(root);
    const file = path.join(root, 'categories', 'rss.xml');
    const staged = await stageFile(file, 'feed', dirs);
    expect(staged.inNewDir).toBe(false);
    expect(path.dirname(staged.temp)).toBe(path.join(root, 'categories'));
    expect(existsSync(file)).toBe(false);
    await commitStaged(staged);
    expect(await readFile(file, 'utf8')).toBe('feed');
  });

  it('discard removes a staged directory and all it holds', async () => {
    const root = await tempDir();
    const dirs = new OutputDirs(root);
    await stageFile(path.join(root, 'a', 'b', 'c.html'), 'x', dirs);
    await dirs.discard();
    expect(await readdir(root)).toEqual([]);
  });

  it('a directory someone made meanwhile: the staged files move into it, theirs stay', async () => {
    const root = await tempDir();
    const dirs = new OutputDirs(root);
    await stageFile(path.join(root, 'tags', 'y', 'index.html'), 'ours', dirs);
    await mkdir(path.join(root, 'tags', 'y'), { recursive: true });
    await writeFile(path.join(root, 'tags', 'theirs.txt'), 'theirs');
    await dirs.commit();
    expect(await listFiles(root)).toEqual(['tags/theirs.txt', 'tags/y/index.html']);
    expect(await readFile(path.join(root, 'tags', 'y', 'index.html'), 'utf8')).toBe('ours');
  });

  it('a link put there meanwhile: refused, nothing lands behind it', async () => {
    const root = await tempDir();
    const elsewhere = await tempDir();
    const dirs = new OutputDirs(root);
    await stageFile(path.join(root, 'tags', 'index.html'), 'ours', dirs);
    await writeFile(path.join(elsewhere, 'keep.txt'), 'keep');
    await symlink(elsewhere, path.join(root, 'tags'));
    await expect(dirs.commit()).rejects.toThrow(LinkInOutputError);
    expect(await readdir(elsewhere)).toEqual(['keep.txt']);
  });
});

describe('writeSite with new directories', () => {
  it('a cold export that fails leaves nothing at all: no directory at a final name, no temporary', async () => {
    const out = await tempDir();
    const own = [...site.paths()].filter((p) => p !== '/' && p !== '/opml.xml');
    const failAt = own[own.length - 1]!;
    const failing = Object.create(site, {
      load: {
        value: async (p: string) => {
          if (p === failAt)
            throw Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
          return site.load(p);
        },
      },
    }) as Site;
    await expect(writeSite(failing, out)).rejects.toThrow(/ENOSPC/);
    expect(await readdir(out)).toEqual([]);
  });

  it('the staged directories a killed export left are removed by the next start', async () => {
    const out = await tempDir();
    const top = path.join(out, '.articles.0123456789ab.tmp', 'abc');
    await mkdir(top, { recursive: true });
    await writeFile(path.join(top, 'index.html'), 'half');
    await mkdir(path.join(out, 'categories', '.x.0123456789ab.tmp'), { recursive: true });
    await writeFile(path.join(out, EXPORT_MARKER), '1\n');
    await writeSite(site, out);
    const leftovers = (await readdir(out, { recursive: true })).filter((rel) =>
      rel.split(path.sep).some(isTempName),
    );
    expect(leftovers).toEqual([]);
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
  });

  it('a file that existed before is replaced by a rename, never written in place', async () => {
    const out = await tempDir();
    const first = await writeSite(site, out);
    const hold = await tempDir();
    const article = [...first.manifest.files.keys()].find((f) => f.startsWith('articles/'))!;
    const rewritten = ['rss.xml', article];
    const before = new Map<string, { ino: number; bytes: Buffer }>();
    for (const rel of rewritten) {
      const file = path.join(out, rel);
      before.set(rel, { ino: (await stat(file)).ino, bytes: await readFile(file) });
      await link(file, path.join(hold, rel.replaceAll('/', '_')));
    }
    // The manifest says they changed: written again, the same bytes.
    const files = ManifestFiles.from(first.manifest.files);
    for (const rel of rewritten) files.set(rel, 'changed');
    const second = await writeSite(site, out, { previous: { ...first.manifest, files } });
    expect(second.written).toBe(rewritten.length);
    for (const rel of rewritten) {
      const file = path.join(out, rel);
      expect((await stat(file)).ino).not.toBe(before.get(rel)!.ino);
      // The old inode still holds the old bytes whole: nobody reading it saw them change.
      expect(await readFile(path.join(hold, rel.replaceAll('/', '_')))).toEqual(
        before.get(rel)!.bytes,
      );
      expect(await readFile(file)).toEqual(before.get(rel)!.bytes);
    }
  });
});

describe('article pages written by a parse worker (writeArticlePages)', () => {
  const pageOf = async () => {
    const sitePath = [...site.paths()].find((p) => site.article(p))!;
    const article = site.article(sitePath)!;
    const expected = Buffer.from((await site.load(sitePath))!.body);
    const write = (out: string, file = fileForPath(sitePath)) =>
      writeArticlePages(site.pageSettings(), out, [{ file, article }], () =>
        Buffer.from(site.catalog.content.get(article.bodySource)!),
      );
    return { file: fileForPath(sitePath), expected, write };
  };

  it('a new article: its directory appears whole, no temporary left; written again: replaced by a rename', async () => {
    const { file, expected, write } = await pageOf();
    const out = await tempDir();
    await mkdir(path.join(out, 'articles'));
    write(out);
    expect(await listFiles(out)).toEqual([file]);
    expect(await readFile(path.join(out, file))).toEqual(expected);
    const page = await stat(path.join(out, file));
    // The .gz every page had until 2026-12-04 goes with the rewrite: it would decode to the old page.
    await writeFile(path.join(out, `${file}.gz`), 'old');
    write(out);
    expect(await listFiles(out)).toEqual([file]);
    expect((await stat(path.join(out, file))).ino).not.toBe(page.ino);
    expect(await readFile(path.join(out, file))).toEqual(expected);
  });

  it('in a directory the export staged: written under its own name there', async () => {
    const { file, expected, write } = await pageOf();
    const out = await tempDir();
    const staged = file.replace(/^articles\//, '.articles.0123456789ab.tmp/');
    await mkdir(path.join(out, '.articles.0123456789ab.tmp'));
    write(out, staged);
    expect(await listFiles(out)).toEqual([staged]);
    expect(await readFile(path.join(out, staged))).toEqual(expected);
  });
});
