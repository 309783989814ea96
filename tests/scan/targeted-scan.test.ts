/**
 * A scan given the paths a watcher reported (src/scan/walk-paths.ts, src/scan/scanner.ts) looks
 * at those alone, and ends where a full walk ends: the same files, results and refusals as a
 * fresh Scanner walking the whole tree, and the same catalog as a CatalogScanner that walks the
 * whole tree at every step. Whatever it cannot resolve by the walk's rules alone (the root, a
 * path outside, a symbolic link) it walks whole.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reparseOnThisThread } from '../../src/catalog/draft-file.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { Scanner, type Scan } from '../../src/scan/scanner.js';
import type { Catalog } from '../../src/model.js';
import { makeTempDir, scanConfig } from '../support/seeds.js';

const article = (title: string, body = `${title}的正文。`) =>
  `---\ntitle: ${title}\ndate: 2022-01-0${(title.length % 9) + 1}\ncategories: [测试]\n---\n${body}\n`;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let seeds: string;
const at = (...parts: string[]) => path.join(seeds, ...parts);

beforeEach(async () => {
  temp = await makeTempDir();
  seeds = path.join(temp.dir, 'seeds');
  await mkdir(at('sub', 'deep'), { recursive: true });
  await writeFile(at('a.md'), article('甲'));
  await writeFile(at('sub', 'b.md'), article('乙'));
  await writeFile(at('sub', 'deep', 'c.md'), article('丙'));
  await writeFile(at('notes.pdf'), 'not a seed');
});
afterEach(() => temp.remove());

const config = () => scanConfig(seeds);
const scanner = () => {
  const { maxFileBytes, ...options } = config();
  return new Scanner(options, (files, known) => reparseOnThisThread(files, known, maxFileBytes));
};
/** What a scan lists, as plain data. */
const listed = (scan: Scan) => ({
  files: scan.files.map(({ file, result }) => ({ path: file.path, size: file.size, result })),
  refused: scan.refused,
});
const articles = (catalog: Catalog) => ({
  articles: catalog.articles.map((a) => ({ guid: a.guid, title: a.title, sources: a.sources })),
  rejected: catalog.rejected,
});

describe('a scan of the paths a watcher reported', () => {
  it('sees an add, an edit, a delete, a rename and a new subdirectory exactly as a full walk does', async () => {
    const targeted = new CatalogScanner(config());
    const walking = new CatalogScanner(config());
    const files = scanner();
    await Promise.all([targeted.scan(), walking.scan(), files.scan()]);

    const steps: Array<[string, () => Promise<unknown>, string[]]> = [
      ['add', () => writeFile(at('d.md'), article('丁')), [at('d.md')]],
      [
        'edit',
        () => writeFile(at('sub', 'b.md'), article('乙', '改过的正文。')),
        [at('sub', 'b.md')],
      ],
      ['delete', () => rm(at('a.md')), [at('a.md')]],
      [
        'rename',
        () => rename(at('sub', 'deep', 'c.md'), at('sub', 'deep', 'e.md')),
        [at('sub', 'deep', 'c.md'), at('sub', 'deep', 'e.md')],
      ],
      [
        'new subdirectory',
        async () => {
          await mkdir(at('new', 'x'), { recursive: true });
          await writeFile(at('new', 'x', 'y.md'), article('戊'));
          await writeFile(at('new', 'z.md'), article('己己'));
          await writeFile(at('new', '.z.md.swp'), 'editor swap file');
        },
        [at('new')],
      ],
      [
        'directory removed',
        () => rm(at('sub'), { recursive: true }),
        [at('sub'), at('sub', 'b.md')],
      ],
    ];
    for (const [what, change, reported] of steps) {
      await change();
      const scan = await files.scan(reported);
      expect(scan.unchanged, what).toBe(false);
      expect(listed(scan), what).toEqual(listed(await scanner().scan()));
      // The file a body is read again from: the very one the scan listed, none for a path gone.
      for (const { file } of scan.files) expect(files.fileAt(file.path), what).toBe(file);
      expect(files.fileAt('a.md'), what).toBe(scan.files.find((s) => s.file.path === 'a.md')?.file);
      const [mine, theirs] = [await targeted.scan(reported), await walking.scan()];
      expect(articles(mine.catalog), what).toEqual(articles(theirs.catalog));
      expect(mine.stats.changed + mine.stats.removed, what).toBe(
        theirs.stats.changed + theirs.stats.removed,
      );
    }
    expect(listed(await files.scan()).files.map((f) => f.path)).toEqual([
      'd.md',
      'new/x/y.md',
      'new/z.md',
    ]);
  });

  it('looks at nothing else: a change it was not told of waits for a full walk', async () => {
    const files = scanner();
    await files.scan();
    await writeFile(at('sub', 'b.md'), article('乙', '没有报告的修改，长度也不同。'));
    await writeFile(at('d.md'), article('丁'));
    const told = await files.scan([at('d.md')]);
    expect(told.changed).toBe(1);
    expect(told.files.map((f) => f.file.path)).toEqual([
      'a.md',
      'd.md',
      'sub/b.md',
      'sub/deep/c.md',
    ]);
    const full = await files.scan();
    expect(full.changed).toBe(1); // sub/b.md
  });

  it('names that are never seeds change nothing', async () => {
    const files = scanner();
    await files.scan();
    await writeFile(at('.a.md.swp'), 'swap');
    await writeFile(at('notes.pdf'), 'still not a seed');
    const scan = await files.scan([at('.a.md.swp'), at('notes.pdf'), at('.git', 'index')]);
    expect(scan.unchanged).toBe(true);
  });

  describe('walks the whole tree instead', () => {
    it.each([
      ['the seeds directory itself', () => seeds],
      ['a path outside it', () => path.join(temp.dir, 'elsewhere.md')],
    ])('when told of %s', async (_, reported) => {
      const files = scanner();
      await files.scan();
      await writeFile(at('sub', 'deep', 'c.md'), article('丙', '没有报告的修改，长度也不同。'));
      const scan = await files.scan([reported()]);
      expect(scan.changed).toBe(1);
    });

    it('when the tree has a symbolic link (what it shows depends on the rest of the tree)', async () => {
      await symlink(at('sub', 'b.md'), at('link.md'));
      const files = scanner();
      await files.scan();
      await writeFile(at('sub', 'b.md'), article('乙', '通过链接也能看到的修改。'));
      // The watcher reports the target's path only; the link shows the same file.
      const scan = await files.scan([at('sub', 'b.md')]);
      expect(listed(scan)).toEqual(listed(await scanner().scan()));
    });

    it('when a symbolic link appears among the paths', async () => {
      const files = scanner();
      await files.scan();
      await symlink(at('sub'), at('linked'));
      const scan = await files.scan([at('linked')]);
      expect(listed(scan)).toEqual(listed(await scanner().scan()));
      expect(scan.files.some((f) => f.file.path === 'linked/b.md')).toBe(false);
    });

    it('when the seeds directory was replaced by another', async () => {
      const files = scanner();
      await files.scan();
      await rename(seeds, `${seeds}-old`);
      await mkdir(seeds);
      await writeFile(at('only.md'), article('新目录'));
      const scan = await files.scan([at('only.md')]);
      expect(scan.files.map((f) => f.file.path)).toEqual(['only.md']);
      expect(scan.removed).toBe(3);
    });
  });
});
