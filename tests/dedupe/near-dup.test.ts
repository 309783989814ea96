/**
 * Near-duplicates: the same story from two sources is one article (footer, headline, caption,
 * promo or a few words apart), a different story built from the same stock phrases is not, the
 * report says why, and the result depends neither on input order nor on anything but the input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rng, sentencesFrom } from '../../tools/bench/corpus.js';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../../src/dedupe/defaults.js';
import { evaluate } from '../../tools/near-dup-eval/evaluate.js';
import { generateLabelledSet } from '../../tools/near-dup-eval/labelled-set.js';
import { clusterNearDuplicates } from '../../src/dedupe/near-dup.js';
import { finalSignature, similarAtLeast, similarity } from '../../src/dedupe/signature.js';
import { buildCatalog } from '../../src/catalog/catalog.js';
import { sketchOf } from '../../src/dedupe/sketch-ref.js';
import type { Catalog, DatedDraft, Draft } from '../../src/model.js';
import { draftFromText } from '../../src/catalog/draft-file.js';
import { formatScanSummary, scanReport } from '../../src/commands/report.js';
import { SAMPLES, expectDraft } from '../support/seeds.js';

let pool: string[];
/** A long story of stock sentences from the samples, deterministic per seed. */
function story(seed: number, paragraphs = 24): string[] {
  const random = rng(seed);
  return Array.from({ length: paragraphs }, () =>
    Array.from({ length: random.int(1, 3) }, () => random.pick(pool)).join(''),
  );
}

function hexo(opts: {
  title: string;
  author: string;
  date: string;
  categories?: string[];
  paragraphs: readonly string[];
}): string {
  return [
    '---',
    `title: '${opts.title}'`,
    `author: ${opts.author}`,
    `date: ${opts.date}`,
    `categories: [${(opts.categories ?? ['新闻']).join(', ')}]`,
    '---',
    ...opts.paragraphs.map((p) => `<p>${p}</p>`),
  ].join('\n');
}

const draft = (source: string, text: string): DatedDraft => {
  const d = expectDraft(draftFromText(source, text, { sketch: true }));
  return { draft: d, date: d.date! };
};

const catalogOf = (
  drafts: readonly DatedDraft[],
  nearDupThreshold = DEFAULT_NEAR_DUP_THRESHOLD,
): Catalog =>
  buildCatalog({ drafts, rejected: [], notices: [], files: drafts.length, nearDupThreshold });

const articleWith = (catalog: Catalog, source: string) =>
  catalog.articles.find((a) => a.sources.includes(source))!;

beforeAll(async () => {
  pool = await sentencesFrom(SAMPLES);
});

describe('syndicated copies merge', () => {
  it('when only the footer differs, even a footer no rule knows', () => {
    const body = story(1);
    const original = draft(
      'hunan/a.md',
      hexo({
        title: '衡阳数字化升级',
        author: '湖南日报',
        date: '2022-02-13 10:00:00 +0800',
        paragraphs: [...body, '责任编辑：刘倩', '湖南日报：新湖南，新闻从这里开始'],
      }),
    );
    const copy = draft(
      'sina/b.md',
      hexo({
        title: '衡阳数字化升级',
        author: '新浪财经',
        date: '2022-02-13 12:00:00 +0800',
        categories: ['财经'],
        paragraphs: [...body, '（文章来源：湖南日报）', '新浪财经：看财经，上新浪'],
      }),
    );
    expect(copy.draft.contentHash).not.toBe(original.draft.contentHash);
    const catalog = catalogOf([copy, original]);
    expect(catalog.articles).toHaveLength(1);
    const article = catalog.articles[0]!;
    expect(article.sources).toEqual(['hunan/a.md', 'sina/b.md']);
    expect(article.bodySource).toBe('hunan/a.md');
    expect(article.categories).toEqual(['新闻', '财经']);
    expect(article.merges).toHaveLength(1);
    expect(article.merges![0]).toMatchObject({ source: 'sina/b.md', reason: 'near' });
    expect(article.merges![0]!.similarity).toBeGreaterThan(0.9);
    expect(catalog.nearDuplicates).toBe(1);
    expect(catalog.duplicates).toBe(1);
  });

  it('as exact copies when the footers are ones the fixed rules remove', () => {
    const body = story(2);
    const a = draft(
      'a.md',
      hexo({
        title: 'T',
        author: 'A',
        date: '2022-03-01 09:00:00 +0800',
        paragraphs: [...body, '责任编辑：王珊珊'],
      }),
    );
    const b = draft(
      'b.md',
      hexo({
        title: 'T',
        author: 'B',
        date: '2022-03-01 10:00:00 +0800',
        paragraphs: [
          ...body,
          '（文章来源：中国工业报）',
          '扫描二维码，关注我们的公众号',
          '版权所有 © 2022 工业报社',
        ],
      }),
    );
    expect(b.draft.contentHash).toBe(a.draft.contentHash);
    expect(catalogOf([a, b]).articles[0]!.merges).toEqual([
      { source: 'b.md', reason: 'exact', similarity: 1 },
    ]);
  });

  it('under another headline, with a photo caption, an app promo and a few words changed', () => {
    const body = story(3);
    const edited = [...body];
    edited.splice(1, 0, '图为衡阳一家企业的智能工厂。记者 张磊 摄');
    edited[5] = edited[5]!.replace(/.{3}/u, '进一步');
    edited[9] = `${edited[9]!.slice(0, 10)}全面${edited[9]!.slice(12)}`;
    const original = draft(
      'x/1.md',
      hexo({
        title: '湖南工业企业数字化智能化升级',
        author: '湖南日报',
        date: '2022-02-13 10:00:00 +0800',
        paragraphs: body,
      }),
    );
    const copy = draft(
      'y/2.md',
      hexo({
        title: '聚焦｜衡阳老工业基地见闻',
        author: '趣头条',
        date: '2022-02-14 10:00:00 +0800',
        paragraphs: [...edited, '打开趣头条App，领取阅读红包'],
      }),
    );
    const catalog = catalogOf([original, copy]);
    expect(catalog.articles).toHaveLength(1);
    const article = catalog.articles[0]!;
    expect(article.title).toBe('湖南工业企业数字化智能化升级');
    const note = article.merges![0]!;
    expect(note).toMatchObject({
      source: 'y/2.md',
      reason: 'near',
      title: '聚焦｜衡阳老工业基地见闻',
    });
    expect(note.similarity).toBeGreaterThanOrEqual(DEFAULT_NEAR_DUP_THRESHOLD);
    // The caption is the copy's second paragraph; two paragraphs had words changed.
    expect(note.diff).toEqual({
      same: body.length - 2,
      onlyInPrimary: 2,
      onlyInCopy: 3,
      firstDifferentParagraph: 2,
    });
  });

  it('and the report and scan --json say which, why, with the similarity and where the text differs', () => {
    const body = story(4);
    const a = draft(
      'a.md',
      hexo({ title: '原题', author: 'A', date: '2022-03-01 09:00:00 +0800', paragraphs: body }),
    );
    const b = draft(
      'b.md',
      hexo({
        title: '新题',
        author: 'B',
        date: '2022-03-02 09:00:00 +0800',
        paragraphs: [...body.slice(0, -1), '海量资讯、精准解读，尽在新浪财经APP'],
      }),
    );
    const c = draft(
      'c.md',
      hexo({ title: '原题', author: 'C', date: '2022-03-03 09:00:00 +0800', paragraphs: body }),
    );
    const catalog = catalogOf([a, b, c]);
    const json = scanReport(catalog);
    expect(json.nearDuplicates).toBe(1);
    expect(json.articles).toHaveLength(1);
    const reported = json.articles[0]!;
    expect(reported.primary).toBe('a.md');
    expect(reported.merged.map((m) => [m.source, m.reason])).toEqual([
      ['b.md', 'near'],
      ['c.md', 'exact'],
    ]);
    expect(reported.merged[0]!.similarity).toBeGreaterThan(0.9);
    expect(reported.merged[0]!.diff).toEqual({
      same: body.length - 1,
      onlyInPrimary: 1,
      onlyInCopy: 0,
    });
    const text = formatScanSummary(catalog, 'seeds');
    expect(text).toContain('2 duplicates merged (1 near-duplicates)');
    expect(text).toMatch(
      /b\.md: near-duplicate, similarity 0\.9\d; \d+ paragraphs alike, 1 only in the primary, 0 only here; own title "新题"/,
    );
    expect(text).toContain('c.md: exact copy');
  });
});

describe('guids', () => {
  it('a copy that stops being merged gets a guid of its own; the article keeps its guid', () => {
    const body = story(7);
    const first = draft(
      'a.md',
      hexo({ title: 'A', author: 'A', date: '2022-03-01 09:00:00 +0800', paragraphs: body }),
    );
    const second = draft(
      'b.md',
      hexo({
        title: 'B',
        author: 'B',
        date: '2022-03-02 09:00:00 +0800',
        paragraphs: [...body, '新浪财经：看财经，上新浪'],
      }),
    );
    // Either copy as the primary, so that in one of the two the other's hash sorts first.
    for (const [primary, copy] of [
      [first, second],
      [second, { ...first, date: Date.UTC(2022, 5, 1) }],
    ] as const) {
      const merged = catalogOf([primary, copy]).articles;
      expect(merged).toHaveLength(1);
      const guid = merged[0]!.guid;
      const memory = {
        byHash: new Map([[merged[0]!.contentHash, guid]]),
        byPath: new Map(merged[0]!.sources.map((s) => [s, guid])),
      };
      const apart = buildCatalog({
        drafts: [primary, copy],
        rejected: [],
        notices: [],
        files: 2,
        memory,
        nearDupThreshold: 0,
      });
      expect(apart.articles.find((a) => a.bodySource === primary.draft.source)!.guid).toBe(guid);
      expect(apart.articles.find((a) => a.bodySource === copy.draft.source)!.guid).toBe(
        `urn:sha256:${copy.draft.contentHash}`,
      );
    }
  });
});

describe('different stories stay apart', () => {
  it("a story written from another one's template and stock phrases", () => {
    const a = story(5, 30);
    // The same opening, a fifth of the other paragraphs, and new ones from the same phrase pool.
    const b = [...a.slice(0, 2), ...a.slice(2).filter((_, i) => i % 5 === 0), ...story(6, 20)];
    const first = draft(
      'a.md',
      hexo({
        title: '湖州工业数字化改革',
        author: '中国工业报',
        date: '2022-03-02 11:00:00 +0800',
        paragraphs: a,
      }),
    );
    const second = draft(
      'b.md',
      hexo({
        title: '湖州工业数字化改革',
        author: '中国工业报',
        date: '2022-03-02 11:00:00 +0800',
        paragraphs: b,
      }),
    );
    const catalog = catalogOf([first, second]);
    expect(catalog.articles).toHaveLength(2);
    expect(catalog.nearDuplicates).toBe(0);
    const s = similarity(
      finalSignature(sketchOf(first.draft)!)!,
      finalSignature(sketchOf(second.draft)!)!,
    );
    expect(s).toBeLessThan(DEFAULT_NEAR_DUP_THRESHOLD);
    expect(s).toBeGreaterThan(0.1); // they do share a lot
  });

  it('short items of one template (too short to compare) stay apart; identical ones still merge', () => {
    const item = (n: number, source = `burst-${n}.md`) =>
      draft(
        source,
        hexo({
          title: `批量 ${n}`,
          author: 'A',
          date: '2022-03-01 09:00:00 +0800',
          paragraphs: [`第 ${n} 篇批量写入的文章。`],
        }),
      );
    const catalog = catalogOf([item(1), item(2), item(10), item(11), item(11, 'copy-of-11.md')]);
    expect(catalog.articles).toHaveLength(4);
    expect(catalog.nearDuplicates).toBe(0);
  });

  it('the five samples, which share many phrases, are five articles', () => {
    const drafts = sampleDrafts();
    const catalog = catalogOf(drafts);
    expect(catalog.articles).toHaveLength(5);
    expect(catalog.nearDuplicates).toBe(0);
    for (const x of drafts)
      for (const y of drafts)
        if (x !== y)
          expect(
            similarity(finalSignature(sketchOf(x.draft)!)!, finalSignature(sketchOf(y.draft)!)!),
          ).toBeLessThan(0.2);
  });
});

function sampleDrafts(): DatedDraft[] {
  const names = [
    '000_b04ed080fefa3896.txt',
    '001_c113200a63da4cd2.txt',
    '002_8cd73b35cd009734.txt',
    '003_14939d2c03372406.txt',
    '004_01c09f82508fccef.txt',
  ];
  return names.map((n) => {
    const d = expectDraft(
      draftFromText(n, readFileSync(path.join(SAMPLES, n), 'utf8'), { sketch: true }),
    );
    return { draft: d, date: d.date ?? 0 };
  });
}

describe('determinism and the off switch', () => {
  let drafts: DatedDraft[];
  beforeAll(() => {
    const files = generateLabelledSet({ sentences: pool, stories: 40, seed: 11 });
    drafts = files.map((f) => {
      const d: Draft = expectDraft(draftFromText(f.path, f.text, { sketch: true }));
      // Plain-text files have no date; a scan would use their first-seen time.
      return { draft: d, date: d.date ?? Date.UTC(2022, 0, 1) };
    });
  });

  it('gives the same articles, primaries, guids and notes whatever the input order', () => {
    const reference = catalogOf(drafts);
    expect(reference.nearDuplicates).toBeGreaterThan(10);
    const random = rng(3);
    for (let round = 0; round < 3; round++) {
      const shuffled = [...drafts];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random.next() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const other = catalogOf(shuffled);
      expect(other.articles).toEqual(reference.articles);
      expect(other.boilerplate).toEqual(reference.boilerplate);
    }
  });

  it('compares only the candidate pairs LSH finds, with the same verdict as the full estimate', () => {
    const sigs = drafts.map((d) => finalSignature(sketchOf(d.draft)!)!);
    const { root, stats } = clusterNearDuplicates(sigs, DEFAULT_NEAR_DUP_THRESHOLD);
    const allPairs = (sigs.length * (sigs.length - 1)) / 2;
    expect(stats.candidates).toBeLessThan(allPairs / 10);
    expect(stats.merged).toBeGreaterThan(0);
    for (let i = 0; i < sigs.length; i++) {
      for (let j = i + 1; j < sigs.length; j++) {
        const s = similarity(sigs[i]!, sigs[j]!);
        for (const t of [0.3, 0.7, 0.9]) expect(similarAtLeast(sigs[i]!, sigs[j]!, t)).toBe(s >= t);
        // Every pair above the threshold ends up in one cluster (here LSH misses none of them).
        if (s >= DEFAULT_NEAR_DUP_THRESHOLD) expect(root[i]).toBe(root[j]);
      }
    }
  });

  it('threshold 0 merges exact copies only', () => {
    const off = catalogOf(drafts, 0);
    expect(off.nearDuplicates).toBe(0);
    for (const a of off.articles) for (const m of a.merges ?? []) expect(m.reason).toBe('exact');
    expect(off.articles.length).toBeGreaterThan(catalogOf(drafts).articles.length);
    expect(off.boilerplate).toEqual([]);
  });

  it("learns each site's own footer line from the corpus", () => {
    const lines = catalogOf(drafts).boilerplate!;
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.articles).toBeGreaterThanOrEqual(5);
    // e.g. 趣头条's slogan, which no fixed rule names, found at its place in an example article.
    const example = lines.find((l) => l.publisher === 'author:趣头条');
    expect(example).toBeDefined();
  });
});

describe('on a generated labelled set', () => {
  it('precision and recall at the default threshold are both at least 0.98', () => {
    const files = generateLabelledSet({ sentences: pool, stories: 120, seed: 5 });
    const [exactOnly, atDefault] = evaluate(files, [0, DEFAULT_NEAR_DUP_THRESHOLD]);
    expect(exactOnly!.recall).toBeLessThan(0.2);
    expect(atDefault!.precision).toBeGreaterThanOrEqual(0.98);
    expect(atDefault!.recall).toBeGreaterThanOrEqual(0.98);
  });
});
