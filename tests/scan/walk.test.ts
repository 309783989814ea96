/**
 * The walker over a real directory tree built in a temp dir: symbolic links (outside, loops,
 * broken), hidden and backup names, FIFOs, and the size cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seedPath } from '../../src/scan/seed-path.js';
import { walkSeeds, isIgnoredName } from '../../src/scan/walk.js';
import type { Catalog } from '../../src/model.js';
import { articleFrom, makeTempDir, scanDir } from '../support/seeds.js';

const EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm'];
const article = (title: string, body = `${title}的正文。`) =>
  `---\ntitle: ${title}\ndate: 2022-01-01\n---\n${body}\n`;
/** `text` padded with ASCII to exactly `bytes` bytes of UTF-8. */
const sized = (text: string, bytes: number) => text + '.'.repeat(bytes - Buffer.byteLength(text));

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let seeds: string;
let outside: string;

beforeAll(async () => {
  temp = await makeTempDir();
  seeds = path.join(temp.dir, 'seeds');
  outside = path.join(temp.dir, 'outside');
  const at = (...parts: string[]) => path.join(seeds, ...parts);
  await mkdir(at('sub', 'deeper'), { recursive: true });
  await mkdir(at('z', 'real'), { recursive: true });
  await mkdir(outside);
  await mkdir(at('.hidden'));
  await mkdir(at('backup~'));
  await mkdir(at('.git', 'objects'), { recursive: true });

  await writeFile(at('a.md'), article('甲'));
  await writeFile(at('sub', 'b.md'), article('乙'));
  await writeFile(at('sub', 'deeper', 'c.txt'), article('丙'));
  await writeFile(at('z', 'real', 'd.md'), article('丁'));
  await writeFile(at('notes.pdf'), 'not a seed extension');
  await writeFile(path.join(outside, 'secret.md'), article('外部文件'));
  await writeFile(path.join(outside, 'other.md'), article('外部目录'));

  // Skipped by name: never read, never reported.
  await writeFile(at('.hidden', 'h.md'), article('隐藏目录'));
  await writeFile(at('backup~', 'k.md'), article('备份目录'));
  await writeFile(at('.git', 'objects', 'o.md'), article('仓库'));
  await writeFile(at('x.md~'), article('编辑器备份'));
  await writeFile(at('.x.md.swp'), article('交换文件'));
  await writeFile(at('x.md.swp'), article('交换文件2'));
  await writeFile(at('#x.md#'), article('自动保存'));
  await writeFile(at('.dotfile.md'), article('点文件'));

  // Symbolic links
  await symlink(path.join(outside, 'secret.md'), at('leak.md'));
  await symlink(outside, at('leakdir'));
  await symlink('../../outside/other.md', at('sub', 'relative-leak.md'));
  await symlink(seeds, at('loop'));
  await symlink('..', at('sub', 'up'));
  await symlink('self-b.md', at('self-a.md'));
  await symlink('self-a.md', at('self-b.md'));
  await symlink('does-not-exist.md', at('dangling.md'));
  await symlink('a.md', at('alias.md'));
  await symlink('sub', at('sub-link'));
  // Reached through a link that is met before the real directory is.
  await symlink('z/real', at('a-link'));

  // A FIFO: opening it to read would block the scan forever.
  execFileSync('mkfifo', [at('pipe.md')]);

  // The size cap: 1500 bytes against a 1 KB limit; exactly 1024 bytes is still allowed.
  await writeFile(at('big.md'), sized(article('大文件', '大'.repeat(200)), 1500));
  await writeFile(at('limit.md'), sized(article('正好', '正'.repeat(100)), 1024));
});

afterAll(async () => {
  await temp.remove();
});

describe('walkSeeds', () => {
  it('lists the seed files inside the directory, each once, sorted', async () => {
    const { files } = await walkSeeds(seeds, { extensions: EXTENSIONS });
    expect(files.map((f) => f.path)).toEqual([
      'a.md',
      'alias.md',
      'big.md',
      'limit.md',
      'sub/b.md',
      'sub/deeper/c.txt',
      'z/real/d.md',
    ]);
    for (const f of files) {
      expect(path.isAbsolute(seedPath(f))).toBe(true);
      expect(f.size).toBeGreaterThan(0);
    }
    expect(files.find((f) => f.path === 'big.md')!.size).toBe(1500);
  });

  it("gives a file its own read path only where it is not the root's joined with its path (a link's target)", async () => {
    const { files, root } = await walkSeeds(seeds, { extensions: EXTENSIONS });
    const at = (p: string) => files.find((f) => f.path === p)!;
    expect(at('sub/b.md').absPath).toBeUndefined();
    expect(seedPath(at('sub/b.md'))).toBe(path.join(root.real, 'sub', 'b.md'));
    expect(at('alias.md').absPath).toBe(path.join(root.real, 'a.md'));
    expect(seedPath(at('alias.md'))).toBe(path.join(root.real, 'a.md'));
  });

  it('rejects symbolic links that leave the directory, loops, broken links and FIFOs, with reasons', async () => {
    const { rejected } = await walkSeeds(seeds, { extensions: EXTENSIONS });
    expect(rejected).toEqual([
      { file: 'dangling.md', reason: 'skipped: a broken symbolic link' },
      { file: 'leak.md', reason: 'skipped: symbolic link points outside the seeds directory' },
      { file: 'leakdir', reason: 'skipped: symbolic link points outside the seeds directory' },
      { file: 'pipe.md', reason: 'skipped: a FIFO, not a regular file' },
      { file: 'self-a.md', reason: 'skipped: a symbolic link loop' },
      { file: 'self-b.md', reason: 'skipped: a symbolic link loop' },
      {
        file: 'sub/relative-leak.md',
        reason: 'skipped: symbolic link points outside the seeds directory',
      },
    ]);
  });

  it('walks a directory reached twice (loop, up, sub-link, a-link) only once, under its real path', async () => {
    const { files } = await walkSeeds(seeds, { extensions: EXTENSIONS });
    const paths = files.map((f) => f.path);
    expect(paths.filter((p) => p.endsWith('b.md'))).toEqual(['sub/b.md']);
    expect(paths.filter((p) => p.endsWith('d.md'))).toEqual(['z/real/d.md']);
    expect(paths.some((p) => /^(loop|sub-link|a-link)\/|\/up\//.test(p))).toBe(false);
  });

  it('lists the same paths on every walk, however the file system orders or times its answers', async () => {
    const first = await walkSeeds(seeds, { extensions: EXTENSIONS });
    for (let i = 0; i < 10; i++)
      expect(await walkSeeds(seeds, { extensions: EXTENSIONS })).toEqual(first);
  });

  it('follows a link to a directory that no real path inside reaches', async () => {
    const extra = await makeTempDir();
    try {
      await mkdir(path.join(extra.dir, 'store', '.archive'), { recursive: true });
      await writeFile(path.join(extra.dir, 'store', '.archive', 'e.md'), article('戊'));
      await symlink('.archive', path.join(extra.dir, 'store', 'archive'));
      const { files, rejected } = await walkSeeds(path.join(extra.dir, 'store'), {
        extensions: EXTENSIONS,
      });
      expect(files.map((f) => f.path)).toEqual(['archive/e.md']);
      expect(rejected).toEqual([]);
    } finally {
      await extra.remove();
    }
  });

  it('works when the seeds directory itself is reached through a symbolic link', async () => {
    const link = path.join(temp.dir, 'seeds-link');
    await symlink(seeds, link);
    const direct = await walkSeeds(seeds, { extensions: EXTENSIONS });
    const viaLink = await walkSeeds(link, { extensions: EXTENSIONS });
    expect(viaLink.files.map((f) => f.path)).toEqual(direct.files.map((f) => f.path));
    expect(viaLink.rejected).toEqual(direct.rejected);
  });

  it('throws when the root is missing or is not a directory', async () => {
    await expect(
      walkSeeds(path.join(temp.dir, 'missing'), { extensions: EXTENSIONS }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(walkSeeds(path.join(seeds, 'a.md'), { extensions: EXTENSIONS })).rejects.toThrow(
      'is not a directory',
    );
  });
});

describe('isIgnoredName', () => {
  it.each([
    '.hidden',
    '.x.md.swp',
    'x.md.swp',
    'x.md.swo',
    'x.md~',
    'backup~',
    '#x.md#',
    '.git',
    '.DS_Store',
  ])('ignores %j', (name) => {
    expect(isIgnoredName(name)).toBe(true);
  });
  it.each(['a.md', 'x.swift', 'tilde~not-at-end.md', '#hashtag.md', 'swap.md'])(
    'keeps %j',
    (name) => {
      expect(isIgnoredName(name)).toBe(false);
    },
  );
});

describe('a Scanner over the tree, with a 1 KB size cap', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = (await scanDir(seeds, '1KB')).catalog;
  }, 10_000);

  it('finishes, using the files inside and merging the in-tree alias with its target', () => {
    expect(catalog.articles.map((a) => [a.title, a.sources])).toEqual(
      expect.arrayContaining([
        ['甲', ['a.md', 'alias.md']],
        ['乙', ['sub/b.md']],
        ['丙', ['sub/deeper/c.txt']],
        ['正好', ['limit.md']],
        ['丁', ['z/real/d.md']],
      ]),
    );
    expect(catalog.articles).toHaveLength(5);
    expect(catalog.duplicates).toBe(1);
  });

  it('rejects the file over the cap with its size and the limit', () => {
    expect(catalog.rejected.find((r) => r.file === 'big.md')).toEqual({
      file: 'big.md',
      reason: 'file is 1.5 KB, over the 1.0 KB size limit',
    });
  });

  it('counts every file it saw once, and none it skipped by name', () => {
    const seen = [
      ...catalog.articles.flatMap((a) => a.sources),
      ...catalog.rejected.map((r) => r.file),
    ];
    expect(new Set(seen).size).toBe(seen.length);
    expect(catalog.files).toBe(seen.length);
    expect(seen.sort()).toEqual([
      'a.md',
      'alias.md',
      'big.md',
      'dangling.md',
      'leak.md',
      'leakdir',
      'limit.md',
      'pipe.md',
      'self-a.md',
      'self-b.md',
      'sub/b.md',
      'sub/deeper/c.txt',
      'sub/relative-leak.md',
      'z/real/d.md',
    ]);
    for (const a of catalog.articles)
      expect([
        '外部文件',
        '外部目录',
        '隐藏目录',
        '备份目录',
        '仓库',
        '编辑器备份',
        '交换文件',
        '交换文件2',
        '自动保存',
        '点文件',
      ]).not.toContain(a.title);
  });

  it('reports sizes in bytes below 1 KB and MB above 1 MB', async () => {
    const small = await makeTempDir();
    try {
      await writeFile(path.join(small.dir, 'a.md'), article('小', '小'.repeat(100)));
      await writeFile(path.join(small.dir, 'b.md'), 'x'.repeat(3 * 1024 * 1024 + 1));
      const bytes = (await scanDir(small.dir, '100B')).catalog.rejected;
      expect(bytes.find((r) => r.file === 'a.md')!.reason).toBe(
        `file is ${Buffer.byteLength(article('小', '小'.repeat(100)))} B, over the 100 B size limit`,
      );
      const mb = (await scanDir(small.dir, '2MB')).catalog.rejected;
      expect(mb).toEqual([{ file: 'b.md', reason: 'file is 3.0 MB, over the 2.0 MB size limit' }]);
    } finally {
      await small.remove();
    }
  });
});
