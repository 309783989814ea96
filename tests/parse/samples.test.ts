/**
 * The five real samples in seeds/, every normalized field: what parseSeed makes of each file and
 * what the Scanner turns it into.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseSeed } from '../../src/parse/index.js';
import type { Catalog, Draft } from '../../src/model.js';
import {
  SAMPLES,
  articleFrom,
  expectDraft,
  imageSources,
  paragraphCount,
  scanDir,
} from '../support/seeds.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

interface Expected {
  readonly file: string;
  readonly title: string;
  /** undefined: the file has no date. */
  readonly date?: string;
  readonly author?: string;
  readonly categories: readonly string[];
  readonly tags: readonly string[];
  readonly image?: string;
  readonly link?: string;
  readonly paragraphs: number;
  readonly images: readonly string[];
  readonly summaryStart: string;
  /** Text that is in the file but is page furniture, not article. */
  readonly absent: readonly string[];
  /** Article text near the end of the file that must survive the boilerplate removal. */
  readonly kept: readonly string[];
}

const QTT_IMG = 'https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/2022/02/13/';
const OFWEEK_IMG =
  'https://cors.zfour.workers.dev/?http://images.ofweek.com/Upload/News/2022-08/12/jihui/';

const SAMPLE_EXPECTATIONS: readonly Expected[] = [
  {
    file: '000_b04ed080fefa3896.txt',
    title: '时不我待！湖南老工业基地的数字化“新”升级',
    date: '2022-02-13T15:09:00.000Z',
    author: '趣头条',
    categories: ['新媒体', '趣头条', '分类'],
    tags: [],
    image: `${QTT_IMG}197e2a4dbb4e3cfb0017191de88df981.jpeg`,
    // 36 in the file, less the two copyright notices at the end.
    paragraphs: 34,
    images: [
      `${QTT_IMG}197e2a4dbb4e3cfb0017191de88df981.jpeg`,
      `${QTT_IMG}13f731d95a7d1cd27c012b903d660276.jpeg`,
    ],
    summaryStart:
      'Δ 位于衡阳的衡州大道数字经济走廊 衡阳，是湖南著名的老工业基地。近年来，在湖南产业数字化的突飞猛进中',
    absent: ['data-size', '版权归原作者所有', '未经授权不得转载'],
    kept: ['撰文|潇湘晨报记者柴归', '拥抱高质量发展。</p>'],
  },
  {
    file: '001_c113200a63da4cd2.txt',
    title: '聚焦湖南中小企业高质量发展：数字化赋能 转型迈新步',
    date: '2021-07-23T09:06:41.000Z',
    author: '新浪财经',
    categories: ['金融', '新浪财经', '新浪财经－国內'],
    tags: [],
    // headimg is the Sina app's QR promo, the same picture the body only shows inside the QR
    // boilerplate that sanitizing removes: it is not the article's image, and there is no other.
    image: undefined,
    // 26 in the file, less the `article-editor` credit line.
    paragraphs: 25,
    // The file's only <img> is the QR code inside the appendQr boilerplate.
    images: [],
    summaryStart: '原标题：数字化赋能，转型迈新步 ——聚焦湖南中小企业高质量发展之二 来源：湖南日报',
    absent: [
      'appendQr',
      '海量资讯',
      '尽在新浪财经APP',
      '责任编辑',
      '王珊珊',
      'news_keyword_pub',
      '文末二维码',
      'article-editor',
    ],
    kept: [
      '<a href="https://finance.sina.com.cn/realstock/company/sz001208/nc.shtml">华菱线缆</a>',
      '在高质量发展道路上越走越好。</p>',
    ],
  },
  {
    file: '002_8cd73b35cd009734.txt',
    title: '聚焦痛点难点 湖州加快推进工业数字化改革',
    date: '2022-03-02T03:09:47.000Z',
    categories: ['zhongguogongyebao'],
    tags: ['中国工业报新闻'],
    link: 'http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202203022294071463',
    // 28 in the file, less the source line （文章来源：中国工业报）.
    paragraphs: 27,
    images: [],
    summaryStart:
      '浙江省数字化改革启动以来，湖州紧扣“产业数字化、数字产业化”主线，加快“产业大脑+未来工厂”融合应用',
    absent: [
      '[返回',
      '返回首页',
      '返回中国工业报新闻',
      'finews.withounder.com',
      'finews.zning.xyz',
      'em_media',
      '文章来源',
    ],
    kept: ['<p>(胡晶新)</p>'],
  },
  {
    file: '003_14939d2c03372406.txt',
    title: '数字赋能、产业蝶变，“数字强省”建设提速',
    date: '2022-08-12T08:37:00.000Z',
    author: '高科技行业门户',
    categories: ['新媒体', '高科技行业门户', '新闻'],
    tags: [],
    image: `${OFWEEK_IMG}1660293461565005263.jpg`,
    paragraphs: 40,
    images: [
      `${OFWEEK_IMG}1660293461565005263.jpg`,
      `${OFWEEK_IMG}1660293462121094344.jpg`,
      `${OFWEEK_IMG}1660293462746074105.jpg`,
    ],
    summaryStart:
      '一场数字化的颠覆性变革，正在山东淄博发生。近日，围绕窑炉数字化转型，海尔卡奥斯与华光国瓷签署合作协议',
    absent: ['style=', 'text-indent'],
    kept: ['在数字强省建设中，“云行齐鲁 工赋山东”释放出的将是数字化转型的乘数效应。'],
  },
  {
    file: '004_01c09f82508fccef.txt',
    title: '聚焦数字化集群化等 浙江启动传统制造业改造提升2.0版',
    categories: [],
    tags: [],
    paragraphs: 14,
    images: [],
    summaryStart:
      '浙江全省传统制造业改造提升2.0版现场推进会现场 。中新社采访人员 黄慧 摄 摄 中新网湖州11月10日电',
    // The recommended-reading list, the 【|title】 echo and the image placeholder caption.
    absent: [
      '推荐阅读',
      '【|',
      '聚焦能源谷',
      '糗事百科',
      '外媒聚焦双十一',
      '本文插图',
      '|聚焦数字化集群化等',
    ],
    kept: ['<p>现场 , 浙江省长郑栅洁指出', '全面推动集成式改革 , 优化营商环境 。</p>'],
  },
];

const drafts = new Map<string, Draft>();
for (const s of SAMPLE_EXPECTATIONS) {
  drafts.set(
    s.file,
    expectDraft(parseSeed(s.file, readFileSync(path.join(SAMPLES, s.file), 'utf8'))),
  );
}
const draftOf = (file: string) => drafts.get(file)!;

describe.each(SAMPLE_EXPECTATIONS)('sample $file', (s) => {
  it('has the exact title, date, author, categories, tags, image and link', () => {
    const d = draftOf(s.file);
    expect(d.source).toBe(s.file);
    expect(d.title).toBe(s.title);
    expect(d.date).toBe(s.date === undefined ? undefined : Date.parse(s.date));
    expect(d.updated).toBeUndefined();
    expect(d.author).toBe(s.author);
    expect(d.categories).toEqual(s.categories);
    expect(d.tags).toEqual(s.tags);
    expect(d.image).toBe(s.image);
    expect(d.link).toBe(s.link);
    expect(d.notes).toEqual([]);
    expect(d.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps its paragraphs and images', () => {
    const html = draftOf(s.file).contentHtml;
    expect(paragraphCount(html)).toBe(s.paragraphs);
    expect(imageSources(html)).toEqual(s.images);
    for (const img of html.match(/<img\b[^>]*>/g) ?? [])
      expect(img).toContain('referrerpolicy="no-referrer"');
    for (const text of s.kept) expect(html).toContain(text);
  });

  it('has no styles, comments, scripts or page furniture', () => {
    const html = draftOf(s.file).contentHtml;
    expect(html).not.toContain('<style');
    expect(html).not.toContain('<!--');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/\bclass=/);
    for (const text of s.absent) expect(html).not.toContain(text);
  });

  it('has a summary of about 200 characters that starts with the article', () => {
    const summary = summaryOf(draftOf(s.file));
    expect(summary.startsWith(s.summaryStart)).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(201);
    expect(summary.length).toBeGreaterThan(150);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary).not.toMatch(/[<>\n]|\s{2}/);
  });
});

describe('the samples through the Scanner', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = (await scanDir(SAMPLES)).catalog;
  });

  it('gives five articles, one per file, and rejects nothing', () => {
    expect(catalog.files).toBe(5);
    expect(catalog.articles).toHaveLength(5);
    expect(catalog.rejected).toEqual([]);
    expect(catalog.duplicates).toBe(0);
    expect(
      catalog.articles
        .map((a) => a.sources)
        .flat()
        .sort(),
    ).toEqual(SAMPLE_EXPECTATIONS.map((s) => s.file));
  });

  it.each(SAMPLE_EXPECTATIONS)('carries every field of $file into its article', (s) => {
    const d = draftOf(s.file);
    const a = articleFrom(catalog, s.file);
    expect(a.sources).toEqual([s.file]);
    expect(a.title).toBe(s.title);
    expect(a.author).toBe(s.author);
    expect(a.categories).toEqual(s.categories);
    expect(a.tags).toEqual(s.tags);
    expect(a.image).toBe(s.image);
    expect(a.link).toBe(s.link);
    expect(catalog.content.get(a.bodySource)).toBe(d.contentHtml);
    expect(summaryOf(a)).toBe(summaryOf(d));
    expect(a.contentHash).toBe(d.contentHash);
    expect(a.guid).toBe(`urn:sha256:${d.contentHash}`);
    expect(a.id).toBe(d.contentHash.slice(0, 16));
    expect(catalog.byId.get(a.id)).toBe(a);
    if (s.date) {
      expect(new Date(a.date).toISOString()).toBe(s.date);
      expect(new Date(a.updated).toISOString()).toBe(s.date);
    }
  });

  it('dates 004, which has no date, by its file modification time, with a notice', () => {
    const file = '004_01c09f82508fccef.txt';
    const mtime = new Date(Math.floor(statSync(path.join(SAMPLES, file)).mtimeMs / 1000) * 1000);
    const a = articleFrom(catalog, file);
    expect(new Date(a.date).toISOString()).toBe(mtime.toISOString());
    expect(new Date(a.updated).toISOString()).toBe(mtime.toISOString());
    expect(catalog.notices).toEqual([
      {
        file,
        note: `no usable date; using the file's first-seen modification time ${mtime.toISOString()}`,
      },
    ]);
  });

  it('orders the dated articles newest first', () => {
    const dated = catalog.articles.filter((a) => !a.sources.includes('004_01c09f82508fccef.txt'));
    expect(dated.map((a) => new Date(a.date).toISOString())).toEqual([
      '2022-08-12T08:37:00.000Z',
      '2022-03-02T03:09:47.000Z',
      '2022-02-13T15:09:00.000Z',
      '2021-07-23T09:06:41.000Z',
    ]);
  });

  it('keeps dates as milliseconds since the epoch, never Date objects (issue 14)', () => {
    for (const a of catalog.articles) {
      expect(typeof a.date, a.bodySource).toBe('number');
      expect(typeof a.updated, a.bodySource).toBe('number');
    }
    for (const d of drafts.values()) expect(typeof (d.date ?? 0)).toBe('number');
  });

  it('lists every category with its slug and its articles', () => {
    expect(catalog.categories.map((c) => [c.name, c.slug, c.articleIds.length])).toEqual([
      ['zhongguogongyebao', 'zhongguogongyebao', 1],
      ['分类', '分类', 1],
      ['新媒体', '新媒体', 2],
      ['新浪财经', '新浪财经', 1],
      ['新浪财经－国內', '新浪财经国內', 1],
      ['新闻', '新闻', 1],
      ['趣头条', '趣头条', 1],
      ['金融', '金融', 1],
      ['高科技行业门户', '高科技行业门户', 1],
    ]);
    const media = catalog.categories.find((c) => c.name === '新媒体')!;
    // Newest first: 003 (2022-08-12) before 000 (2022-02-13).
    expect(media.articleIds).toEqual([
      articleFrom(catalog, '003_14939d2c03372406.txt').id,
      articleFrom(catalog, '000_b04ed080fefa3896.txt').id,
    ]);
  });
});
