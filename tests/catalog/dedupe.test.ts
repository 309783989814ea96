/**
 * Copies of one article (same text, different front matter, markup, whitespace or front-matter
 * style) become one article: categories and tags unioned, every source listed, the earliest copy
 * (then the first by path) wins, and the guid never depends on scan order or on which copies exist.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildCatalog } from '../../src/catalog/catalog.js';
import type { Catalog, DatedDraft, Draft } from '../../src/model.js';
import {
  FIXTURES,
  articleFrom,
  expectDraft,
  fixturePath,
  makeTempDir,
  parseFixture,
  scanDir,
} from '../support/seeds.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

const COPIES = ['dup-hexo.md', 'dup-jekyll.md', 'dup-rewrapped.md'] as const;
const JEKYLL_HTML =
  '<p>湘潭市推动中小企业“上云用数赋智”，今年已有1200家企业完成数字化诊断。</p>\n<p><strong>湘潭经开区建成工业互联网平台，接入设备超过3万台。</strong></p>';

describe('the three copies', () => {
  let drafts: Draft[];
  beforeAll(async () => {
    drafts = await Promise.all(COPIES.map(async (f) => expectDraft(await parseFixture(f))));
  });

  it('differ in front matter, front-matter style, markup and whitespace', () => {
    const [hexo, jekyll, rewrapped] = drafts as [Draft, Draft, Draft];
    expect(hexo.title).toBe('湘潭1200家中小企业完成数字化诊断');
    expect(jekyll.title).toBe('湘潭：中小企业数字化诊断全覆盖');
    expect(rewrapped.title).toBe('湘潭数字化诊断（转载）');
    // Hexo: a YAML list; Jekyll: a space-separated string; the third: a flow list.
    expect(hexo.categories).toEqual(['新媒体', '数字化']);
    expect(jekyll.categories).toEqual(['湖南', '数字化']);
    expect(rewrapped.categories).toEqual(['湖南', '转载']);
    expect(new Set(drafts.map((d) => d.contentHtml)).size).toBe(3);
    expect(jekyll.contentHtml).toBe(JEKYLL_HTML);
  });

  it('hash alike', () => {
    expect(new Set(drafts.map((d) => d.contentHash)).size).toBe(1);
  });
});

describe('a scan of the fixtures merges the copies', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = (await scanDir(FIXTURES)).catalog;
  });

  it('into one article listing every source', () => {
    const merged = catalog.articles.filter((a) => a.sources.some((s) => s.startsWith('dup-')));
    expect(merged).toHaveLength(1);
    expect(merged[0]!.sources).toEqual([...COPIES]);
    expect(catalog.duplicates).toBe(2);
  });

  it("with the winner's title, date and content: earliest date, then first path", () => {
    const a = articleFrom(catalog, 'dup-hexo.md');
    // jekyll and rewrapped are both 2022-03-01 09:00 +0800; hexo is 08:00 GMT, seven hours later.
    expect(a.title).toBe('湘潭：中小企业数字化诊断全覆盖');
    expect(new Date(a.date).toISOString()).toBe('2022-03-01T01:00:00.000Z');
    expect(catalog.content.get(a.bodySource)).toBe(JEKYLL_HTML);
    expect(summaryOf(a)).toBe(
      '湘潭市推动中小企业“上云用数赋智”，今年已有1200家企业完成数字化诊断。 湘潭经开区建成工业互联网平台，接入设备超过3万台。',
    );
    // A later-dated copy is a re-crawl, not an edit: updated stays the winner's own.
    expect(new Date(a.updated).toISOString()).toBe('2022-03-01T01:00:00.000Z');
  });

  it('with categories and tags unioned in winner order, and link, author, image from the first copy that has one', () => {
    const a = articleFrom(catalog, 'dup-hexo.md');
    expect(a.categories).toEqual(['湖南', '数字化', '转载', '新媒体']);
    expect(a.tags).toEqual(['工业互联网', '湘潭']);
    expect(a.link).toBe('https://news.example.com/xiangtan/20220301.html');
    expect(a.author).toBe('湘潭日报');
    expect(a.image).toBe('https://img.example.com/xiangtan/cover.jpg');
  });

  it('and lists the merged article under each of its categories once', () => {
    const a = articleFrom(catalog, 'dup-hexo.md');
    for (const name of a.categories) {
      const category = catalog.categories.find((c) => c.name === name)!;
      expect(category.articleIds.filter((id) => id === a.id)).toHaveLength(1);
    }
    expect(catalog.categories.find((c) => c.name === '转载')!.articleIds).toEqual([a.id]);
  });
});

describe('buildCatalog', () => {
  let dated: DatedDraft[];
  beforeAll(async () => {
    const names = [...COPIES, 'crlf.md', 'bom.md', 'cr-only.md'];
    dated = await Promise.all(
      names.map(async (f) => {
        const draft = expectDraft(await parseFixture(f));
        return { draft, date: draft.date! };
      }),
    );
  });
  const build = (drafts: readonly DatedDraft[]) =>
    buildCatalog({ drafts, rejected: [], notices: [], files: drafts.length });

  it('gives the same catalog, guids and winners whatever order the drafts come in', () => {
    const reference = build(dated);
    expect(reference.articles).toHaveLength(4);
    const orders = [
      [...dated].reverse(),
      [dated[2]!, dated[0]!, dated[5]!, dated[1]!, dated[4]!, dated[3]!],
      [dated[1]!, dated[2]!, dated[0]!, dated[3]!, dated[4]!, dated[5]!],
    ];
    for (const order of orders) {
      const other = build(order);
      expect(other.articles).toEqual(reference.articles);
      expect(other.categories).toEqual(reference.categories);
    }
  });

  it('breaks a date tie by path, in code-unit order', () => {
    const base = dated.find((d) => d.draft.source === 'dup-jekyll.md')!;
    const twin = (source: string, title: string): DatedDraft => ({
      draft: { ...base.draft, source, title },
      date: base.date,
    });
    const catalog = build([
      twin('b/copy.md', 'B'),
      twin('a/copy.md', 'A'),
      twin('B/copy.md', 'upper B'),
    ]);
    expect(catalog.articles).toHaveLength(1);
    expect(catalog.articles[0]!.title).toBe('upper B');
    expect(catalog.articles[0]!.sources).toEqual(['B/copy.md', 'a/copy.md', 'b/copy.md']);
  });

  it('uses the hash for the guid and its first 16 hex digits for the id', () => {
    const catalog = build(dated);
    for (const a of catalog.articles) {
      expect(a.guid).toBe(`urn:sha256:${a.contentHash}`);
      expect(a.id).toBe(a.contentHash.slice(0, 16));
    }
  });
});

describe('rescanning a directory as copies come and go', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.remove();
  });
  const put = (name: string, as = name) => copyFile(fixturePath(name), path.join(temp.dir, as));
  /** Every rescan uses a new Scanner: nothing is remembered between them. */
  const scanOnly = async () => {
    const { catalog } = await scanDir(temp.dir);
    expect(catalog.articles).toHaveLength(1);
    return catalog.articles[0]!;
  };

  it('keeps the guid when a duplicate copy appears or disappears', async () => {
    await put('dup-hexo.md');
    const first = await scanOnly();
    expect(first.title).toBe('湘潭1200家中小企业完成数字化诊断');
    expect(first.sources).toEqual(['dup-hexo.md']);

    await put('dup-jekyll.md');
    const second = await scanOnly();
    expect(second.sources).toEqual(['dup-hexo.md', 'dup-jekyll.md']);
    expect(second.title).toBe('湘潭：中小企业数字化诊断全覆盖');
    expect(second.guid).toBe(first.guid);
    expect(second.id).toBe(first.id);

    await rm(path.join(temp.dir, 'dup-hexo.md'));
    const third = await scanOnly();
    expect(third.sources).toEqual(['dup-jekyll.md']);
    expect(third.guid).toBe(first.guid);
    expect(third.categories).toEqual(['湖南', '数字化']);
  });

  it('keeps the guid when renames change the order the copies are scanned in', async () => {
    await put('dup-jekyll.md', 'b.md');
    await put('dup-rewrapped.md', 'c.md');
    const before = await scanOnly();
    expect(before.title).toBe('湘潭：中小企业数字化诊断全覆盖');

    // Same date: now the rewrapped copy is first by path, so it wins.
    await rename(path.join(temp.dir, 'c.md'), path.join(temp.dir, 'a.md'));
    const after = await scanOnly();
    expect(after.title).toBe('湘潭数字化诊断（转载）');
    expect(after.sources).toEqual(['a.md', 'b.md']);
    expect(after.guid).toBe(before.guid);
    expect(after.categories).toEqual(['湖南', '转载', '数字化']);
  });

  it('keeps the guid across subdirectories', async () => {
    await put('dup-hexo.md', 'x.md');
    const flat = await scanOnly();
    await rm(path.join(temp.dir, 'x.md'));
    await mkdir(path.join(temp.dir, '2022', '03'), { recursive: true });
    await put('dup-hexo.md', '2022/03/x.md');
    const nested = await scanOnly();
    expect(nested.sources).toEqual(['2022/03/x.md']);
    expect(nested.guid).toBe(flat.guid);
  });
});

describe('a file caught half-written', () => {
  it('keeps its guid once it is whole again', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { CatalogScanner } = await import('../../src/catalog/catalog-scanner.js');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-halfwritten-'));
    try {
      const file = path.join(dir, 'post.md');
      const scanner = new CatalogScanner({
        seedsDir: dir,
        extensions: ['.md'],
        maxFileBytes: 1 << 20,
      });
      await writeFile(file, '---\ntitle: 原稿\ndate: 2024-01-01\n---\n<p>第一版正文。</p>\n');
      const first = (await scanner.scan()).catalog.articles[0]!;
      await writeFile(file, ''); // an editor truncating before it writes
      // Caught mid-rewrite: the last good version is kept until the file settles (tests/hostile/faults.test.ts).
      const during = (await scanner.scan()).catalog;
      expect(during.articles.map((a) => a.guid)).toEqual([first.guid]);
      expect(during.rejected).toEqual([]);
      await writeFile(
        file,
        '---\ntitle: 修订稿\ndate: 2024-01-01\n---\n<p>第二版正文，改了很多。</p>\n',
      );
      const after = (await scanner.scan()).catalog.articles[0]!;
      expect(after.title).toBe('修订稿');
      expect(after.contentHash).not.toBe(first.contentHash);
      expect(after.guid).toBe(first.guid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
