/** Front matter is found whatever precedes it or ends its lines: BOM, CRLF, CR only, blank lines. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { detectShape, normalizeNewlines, parseSeed } from '../../src/parse/index.js';
import { expectDraft, fixtureBytes, fixturePath, parseFixture } from '../support/seeds.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

const CASES = [
  {
    file: 'bom.md',
    title: '带BOM的文件：长沙发布智能制造三年行动方案',
    date: '2022-03-14T02:30:00.000Z',
    author: '潇湘晨报',
    categories: ['新媒体', '湖南'],
    tags: [],
    contentHtml:
      '<div>\n<p>长沙市日前印发智能制造三年行动方案，提出到2025年建成100家智能工厂。</p><p>方案明确，重点支持工程机械、新材料等产业开展数字化改造。</p>\n</div>',
  },
  {
    file: 'crlf.md',
    title: '株洲轨道交通产业集群加速数字化',
    date: '2022-04-08T02:15:00.000Z',
    categories: ['湖南', '制造业'],
    tags: ['轨道交通'],
    contentHtml:
      '<p>株洲轨道交通装备产业集群正加快推进数字化转型。</p>\n<p>目前，集群内已有30余家企业完成智能化改造。</p>',
  },
  {
    file: 'cr-only.md',
    title: '衡阳打造数字经济走廊',
    date: '2022-05-20T00:00:00.000Z',
    categories: ['湖南', '数字经济'],
    tags: [],
    contentHtml:
      '<p>衡阳市沿衡州大道布局数字经济走廊。</p>\n<p>走廊已引进软件和信息服务企业200余家。</p>',
  },
  {
    file: 'leading-blank-lines.md',
    title: '岳阳港口物流数字化升级',
    date: '2022-06-01T01:30:00.000Z',
    categories: ['湖南', '物流'],
    tags: [],
    contentHtml: '<p>岳阳城陵矶港上线智慧港口系统。</p><p>集装箱作业效率提升20%。</p>',
  },
] as const;

describe('the fixtures are what their names say, byte for byte', () => {
  it('bom.md starts with a UTF-8 byte order mark', () => {
    expect([...fixtureBytes('bom.md').subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x2d]);
  });
  it('crlf.md ends every line with CRLF', () => {
    const text = fixtureBytes('crlf.md').toString('utf8');
    expect(text.split('\r\n')).toHaveLength(10);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
  it('cr-only.md ends every line with a bare CR', () => {
    const text = fixtureBytes('cr-only.md').toString('utf8');
    expect(text).not.toContain('\n');
    expect(text.split('\r')).toHaveLength(9);
  });
  it('leading-blank-lines.md has blank and whitespace-only lines before its front matter', () => {
    expect(
      fixtureBytes('leading-blank-lines.md').toString('utf8').startsWith('\n\n   \n\t\n---\n'),
    ).toBe(true);
  });
});

describe.each(CASES)('$file', (c) => {
  it('parses its front matter into exact fields', async () => {
    const d = expectDraft(await parseFixture(c.file));
    expect(d.title).toBe(c.title);
    expect(new Date(d.date!).toISOString()).toBe(c.date);
    expect(d.author).toBe('author' in c ? c.author : undefined);
    expect(d.categories).toEqual(c.categories);
    expect(d.tags).toEqual(c.tags);
    expect(d.notes).toEqual([]);
  });

  it('keeps the front matter out of the body, and no CR in it', async () => {
    const d = expectDraft(await parseFixture(c.file));
    expect(d.contentHtml).toBe(c.contentHtml);
    expect(summaryOf(d)).not.toMatch(/---|title:|date:|\r|\uFEFF/);
  });

  it('gives the same result when parseSeed gets the raw text (BOM and CRs included)', async () => {
    const raw = readFileSync(fixturePath(c.file), 'utf8');
    expect(detectShape(normalizeNewlines(raw))).toBe('front-matter');
    const direct = expectDraft(parseSeed(c.file, raw));
    expect(direct).toEqual(await parseFixture(c.file));
  });
});

describe('line-ending variants of one file', () => {
  const lf = readFileSync(fixturePath('crlf.md'), 'utf8').replace(/\r\n/g, '\n');
  it.each([
    ['LF', lf],
    ['CRLF', lf.replace(/\n/g, '\r\n')],
    ['CR', lf.replace(/\n/g, '\r')],
    ['BOM + CRLF', `\uFEFF${lf.replace(/\n/g, '\r\n')}`],
    ['blank lines + CR', `\r\r  \r${lf.replace(/\n/g, '\r')}`],
    ['mixed', lf.replace('\n', '\r\n').replace('\n', '\r')],
  ])('%s parses to the same draft', (_label, text) => {
    expect(parseSeed('crlf.md', text)).toEqual(parseSeed('crlf.md', lf));
  });

  it('normalizeNewlines removes the BOM and turns CRLF and CR into LF', () => {
    expect(normalizeNewlines('\uFEFFa\r\nb\rc\nd\r\r\n')).toBe('a\nb\nc\nd\n\n');
  });
});
