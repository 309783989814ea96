/** The manifest's table in memory: article pages kept by id, the same entries as a plain table. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ManifestFiles } from '../../src/export/manifest-files.js';
import { readManifest } from '../../src/export/manifest.js';
import { exportKey } from '../../src/export/precompressed.js';
import { writeSite } from '../../src/export/write-site.js';
import type { Site } from '../../src/render/site.js';
import { fileForPath } from '../../src/render/urls.js';
import { SAMPLES, siteFor, tempDirsRemovedAfterAll } from '../support/site.js';

const PAGE = 'articles/0123abcd/index.html';

describe('ManifestFiles', () => {
  it('answers for an article page kept by id with its path and export key', () => {
    const files = ManifestFiles.from({ 'rss.xml': 'r+z1' });
    files.setPage('0123abcd', 'settings|print');
    expect(files.size).toBe(2);
    expect(files.get(PAGE)).toBe(exportKey('settings|print', false));
    expect(files.has(PAGE)).toBe(true);
    expect(files.has('articles/0123abce/index.html')).toBe(false);
    expect([...files.keys()].sort()).toEqual([PAGE, 'rss.xml']);
    expect(files.toJSON()).toEqual({ 'rss.xml': 'r+z1', [PAGE]: 'settings|print+z0' });
  });

  it('keeps one entry per file, whichever way it was set last', () => {
    const files = ManifestFiles.from({ [PAGE]: 'as read' });
    files.setPage('0123abcd', 'new');
    expect([...files]).toEqual([[PAGE, 'new+z0']]);
    files.set(PAGE, 'from the log');
    expect([...files]).toEqual([[PAGE, 'from the log']]);
    files.setPage('0123abcd', 'again');
    expect(files.size).toBe(1);
    expect(files.delete(PAGE)).toBe(true);
    expect(files.delete(PAGE)).toBe(false);
    expect(files.size).toBe(0);
  });

  it('keeps paths that only look like an article page as they are', () => {
    const odd = [
      'articles/0123abcd/other.html',
      'articles/ABC/index.html',
      'x/articles/a/index.html',
    ];
    const files = ManifestFiles.from(odd.map((f) => [f, 'k'] as const));
    files.setPage('0123abcd', 'p');
    for (const f of odd) expect(files.get(f)).toBe('k');
    expect(files.size).toBe(4);
  });
});

describe('the table an export keeps', () => {
  const tempDir = tempDirsRemovedAfterAll('seedfeed-manifest-files-');
  let site: Site;
  beforeAll(async () => {
    site = (await siteFor(SAMPLES)).site;
  });

  it('holds what the file on disk holds, article pages included', async () => {
    const out = await tempDir();
    const { manifest } = await writeSite(site, out);
    const paths = [...site.paths()];
    expect(manifest.files.toJSON()).toEqual(
      Object.fromEntries(paths.map((p) => [fileForPath(p), exportKey(site.keyOf(p)!, false)])),
    );
    expect(paths.some((p) => site.article(p))).toBe(true);
    expect((await readManifest(out)).manifest.files.toJSON()).toEqual(manifest.files.toJSON());
    // The next export against it finds every file unchanged.
    const again = await writeSite(site, out, { previous: manifest });
    expect(again).toMatchObject({ written: 0, removed: 0 });
  });
});
