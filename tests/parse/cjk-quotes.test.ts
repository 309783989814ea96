/** Underscores a crawler put in place of “” around CJK words in titles, and what must stay as it is. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreCjkQuotes } from '../../src/parse/cjk-quotes.js';
import { parseSeed } from '../../src/parse/index.js';
import { SAMPLES, expectDraft } from '../support/seeds.js';

const sampleTitle = (file: string) =>
  expectDraft(parseSeed(file, readFileSync(path.join(SAMPLES, file), 'utf8'))).title;

describe('the sample titles', () => {
  it('get their quotation marks back (000 and 003)', () => {
    expect(sampleTitle('000_b04ed080fefa3896.txt')).toBe(
      '时不我待！湖南老工业基地的数字化“新”升级',
    );
    expect(sampleTitle('003_14939d2c03372406.txt')).toBe('数字赋能、产业蝶变，“数字强省”建设提速');
  });
});

describe('restoreCjkQuotes', () => {
  it.each([
    ['湖南老工业基地的数字化_新_升级', '湖南老工业基地的数字化“新”升级'],
    ['数字赋能、产业蝶变，_数字强省_建设提速', '数字赋能、产业蝶变，“数字强省”建设提速'],
    ['_新_升级', '“新”升级'],
    ['推进_数字强省_', '推进“数字强省”'],
    ['_两会_', '“两会”'],
    ['打造_一带一路_和_双循环_格局', '打造“一带一路”和“双循环”格局'],
    ['日本の_アニメ_文化', '日本の“アニメ”文化'],
    ['关于 _数字化_升级', '关于 “数字化”升级'],
  ])('%s → %s', (input, output) => expect(restoreCjkQuotes(input)).toBe(output));

  it.each([
    'snake_case_name',
    'report_2022_final',
    'user_id_中文',
    'abc_中文_def',
    '数字化_new_升级',
    '数字化_5G_升级',
    '数字化_新a_升级',
    '__粗体__',
    '数字化__新__升级',
    '单个_下划线',
    'https://example.com/a_中文_b',
    'https://例子.中国/路径_文字_页',
    'www.例子.中国/路径_文字_页',
    '见 http://x.cn/数字_新_升级 一文',
    '_id_',
    '数字化_ 新_升级',
  ])('leaves %s alone', (input) => expect(restoreCjkQuotes(input)).toBe(input));
});
