/**
 * Boilerplate: the fixed rules remove furniture lines and trailing related-reading lists from the
 * body; the learned ones are a publisher's recurring short paragraphs, left out of the similarity
 * signature exactly.
 */
import { describe, expect, it } from 'vitest';
import { learnBoilerplate, publisherOf } from '../../src/dedupe/learned-boilerplate.js';
import { finalSignature } from '../../src/dedupe/signature.js';
import { key32, paragraphKeys, sketchText } from '../../src/dedupe/sketch.js';
import { cutRelatedReading, isBoilerplateLine } from '../../src/parse/boilerplate.js';
import { parseSeed } from '../../src/parse/index.js';
import { expectDraft } from '../support/seeds.js';

describe('fixed rules', () => {
  it('recognise editor, source, promo and copyright lines', () => {
    for (const line of [
      '责任编辑：王珊珊',
      '【编辑：田博群】',
      '编辑：周芳 校对：李明',
      '（文章来源：中国工业报）',
      '本文来源于湖南日报',
      '海量资讯、精准解读，尽在新浪财经APP',
      '下载新湖南客户端，看更多精彩新闻',
      '扫描二维码，关注湖南日报官方微信',
      '*文章为主编有态度原创出品，未经授权不得转载。',
      '版权归原作者所有，向原创者致敬。',
      '© 2022 Example News',
    ]) {
      expect(isBoilerplateLine(line), line).toBe(true);
    }
  });

  it('keep story text that mentions the same words', () => {
    for (const line of [
      '来源：湖南日报', // a dateline at the top of sample 001
      '撰文|潇湘晨报记者柴归',
      '湖南日报·新湖南客户端记者 曹娴 彭可心 通讯员 刘宇欣',
      '编辑部的同事们说，二维码已经贴满了车间。',
      `该公司下载量突破千万的客户端，${'已经服务了数千家中小企业，帮助它们完成数字化转型，'.repeat(3)}`,
    ]) {
      expect(isBoilerplateLine(line), line).toBe(false);
    }
  });

  it('cut a trailing related-reading list of links, and only that', () => {
    const list =
      '<p>正文。</p><p><strong>推荐阅读：</strong></p><ul><li><a href="https://a.example/1">湖州工业数字化</a></li><li><a href="https://a.example/2">淄博窑炉</a></li></ul>';
    expect(cutRelatedReading(list)).toBe('<p>正文。</p>');
    const story =
      '<p>正文。</p><h2>相关阅读</h2><p>这一节是文章自己的内容，讲的是衡阳的老工业基地如何走上数字化转型的道路。</p>';
    expect(cutRelatedReading(story)).toBe(story);
  });

  it('remove them from a parsed body, its summary and its hash', () => {
    const body = '<p>衡阳，是湖南著名的老工业基地。</p><p>产业数字化已成趋势。</p>';
    const plain = expectDraft(parseSeed('a.html', `<html><title>T</title>${body}</html>`));
    const furnished = expectDraft(
      parseSeed(
        'b.html',
        `<html><title>T</title>${body}<p>责任编辑：刘倩</p><p>（文章来源：湖南日报）</p><p>推荐阅读</p><p><a href="https://x.example/">另一篇</a></p></html>`,
      ),
    );
    expect(furnished.contentHtml).not.toMatch(/责任编辑|文章来源|推荐阅读|另一篇/);
    expect(furnished.contentHash).toBe(plain.contentHash);
  });
});

describe('learned boilerplate', () => {
  const article = (publisher: string, n: number, lines: string[]) => ({
    publisher,
    source: `${publisher}/${n}.md`,
    sketch: sketchText(lines.join('\n')),
  });
  const story = (n: number) =>
    `第${n}篇报道：${'衡阳的老工业基地正在加快数字化转型，智能制造是主攻方向。'.repeat(4)}`;

  it("is a short paragraph in at least 5 articles and 10% of one publisher's", () => {
    const slogan = '湖南日报：新湖南，新闻从这里开始';
    const articles = [
      ...Array.from({ length: 6 }, (_, i) => article('hunan', i, [story(i), slogan])),
      ...Array.from({ length: 4 }, (_, i) =>
        article('sina', i, [story(100 + i), '新浪财经：看财经，上新浪']),
      ),
    ];
    const learned = learnBoilerplate(articles);
    expect([...learned.byPublisher.keys()]).toEqual(['hunan']);
    expect(learned.lines).toEqual([
      {
        publisher: 'hunan',
        key: expect.stringMatching(/^[0-9a-f]{8}$/),
        articles: 6,
        example: { source: 'hunan/0.md', paragraph: 2 },
      },
    ]);
    // 5 of 60 articles (8%) is not enough.
    const many = [
      ...Array.from({ length: 55 }, (_, i) => article('big', i, [story(i)])),
      ...Array.from({ length: 5 }, (_, i) => article('big', 55 + i, [story(55 + i), slogan])),
    ];
    expect(learnBoilerplate(many).lines).toEqual([]);
  });

  it('is left out of the similarity signature exactly', () => {
    const lines = [
      story(1),
      '图为衡阳一家企业的智能工厂',
      story(2),
      '湖南日报：新湖南，新闻从这里开始',
    ];
    const withFooter = sketchText(lines.join('\n'));
    const footerKey = paragraphKeys(withFooter)[3]!;
    expect(finalSignature(withFooter, new Set([footerKey]))).toEqual(
      finalSignature(sketchText(lines.slice(0, 3).join('\n'))),
    );
    expect(finalSignature(withFooter)).not.toEqual(
      finalSignature(sketchText(lines.slice(0, 3).join('\n'))),
    );
    expect(key32(new Uint16Array(0))).toBe(key32(new Uint16Array(0)));
  });

  it("is counted per publisher: the link's host, else the author, else the top directory", () => {
    expect(
      publisherOf({
        link: 'https://finance.sina.com.cn/x.html',
        author: '新浪财经',
        source: 'a/b.md',
      }),
    ).toBe('finance.sina.com.cn');
    expect(publisherOf({ author: '趣头条', source: 'a/b.md' })).toBe('author:趣头条');
    expect(publisherOf({ source: 'crawler-x/2022/b.md' })).toBe('dir:crawler-x');
    expect(publisherOf({ source: 'b.md' })).toBe('dir:.');
  });
});
