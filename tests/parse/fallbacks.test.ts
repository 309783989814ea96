/**
 * Missing fields are filled in and said so: a missing title comes from the first heading or the
 * first line; an impossible date is treated as missing and the file's modification time is used.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSeed } from '../../src/parse/index.js';
import { scanReport } from '../../src/commands/report.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import {
  articleFrom,
  expectDraft,
  fixturePath,
  makeTempDir,
  parseFixture,
  scanConfig,
  scanDir,
} from '../support/seeds.js';

describe('missing title', () => {
  it('missing-title.md takes its title from the first heading, with a notice', async () => {
    const d = expectDraft(await parseFixture('missing-title.md'));
    expect(d.title).toBe('娄底钢铁企业的数字孪生工厂');
    expect(d.notes).toEqual(['no title given; using "娄底钢铁企业的数字孪生工厂" from the text']);
    expect(new Date(d.date!).toISOString()).toBe('2022-09-09T01:00:00.000Z');
    expect(d.categories).toEqual(['湖南']);
    expect(d.contentHtml).toBe(
      '<h1>娄底钢铁企业的数字孪生工厂</h1>\n<p>娄底一家钢铁企业建成数字孪生工厂，实现生产全流程可视化。</p>',
    );
  });

  it('missing-title-no-heading.md takes its title from the first line, with a notice', async () => {
    const d = expectDraft(await parseFixture('missing-title-no-heading.md'));
    expect(d.title).toBe('邵阳发制品产业带加快电商化转型，年交易额突破百亿元。');
    expect(d.notes).toEqual([
      'no title given; using "邵阳发制品产业带加快电商化转型，年交易额突破百亿元。" from the text',
    ]);
    expect(new Date(d.date!).toISOString()).toBe('2022-09-10T01:00:00.000Z');
  });

  it('prefers the first h1-h3 heading over earlier text, and shortens a long first line in the notice', () => {
    const d = expectDraft(
      parseSeed('h.md', '---\ndate: 2022-01-01\n---\n导语一段。\n\n## 小标题\n\n正文。\n'),
    );
    expect(d.title).toBe('小标题');
    const long = '很长的第一行'.repeat(20);
    const l = expectDraft(parseSeed('l.md', `---\ndate: 2022-01-01\n---\n${long}\n`));
    expect(l.title).toBe(long);
    expect(l.notes).toEqual([`no title given; using "${long.slice(0, 39)}…" from the text`]);
  });

  it('treats an empty or non-text title as missing', () => {
    for (const title of ["''", '[a, b]', '{ x: 1 }', '~']) {
      const d = expectDraft(
        parseSeed('t.md', `---\ntitle: ${title}\ndate: 2022-01-01\n---\n第一行正文\n`),
      );
      expect(d.title).toBe('第一行正文');
      expect(d.notes).toEqual(['no title given; using "第一行正文" from the text']);
    }
  });

  it("takes an HTML file's title from <title>", () => {
    const d = expectDraft(
      parseSeed(
        'p.html',
        '<html><head><title>湖南 &amp; 浙江</title></head><body><p>正文</p></body></html>',
      ),
    );
    expect(d.title).toBe('湖南 & 浙江');
    expect(d.notes).toEqual([]);
    expect(d.contentHtml).not.toContain('湖南 &amp; 浙江');
  });
});

describe('impossible-date.md (2022-02-30)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('parses with no date and a notice', async () => {
    const d = expectDraft(await parseFixture('impossible-date.md'));
    expect(d.date).toBeUndefined();
    expect(d.notes).toEqual(['date "2022-02-30" is not a real date; treated as missing']);
    expect(d.title).toBe('张家界文旅数字化平台上线');
    expect(d.categories).toEqual(['湖南', '文旅']);
  });

  it('is dated by its modification time (whole seconds), with both notices, never Invalid Date', async () => {
    const file = path.join(temp.dir, 'impossible-date.md');
    await copyFile(fixturePath('impossible-date.md'), file);
    const mtime = new Date('2023-04-05T06:07:08.900Z');
    await utimes(file, mtime, mtime);

    const { catalog } = await scanDir(temp.dir);
    const a = articleFrom(catalog, 'impossible-date.md');
    expect(new Date(a.date).toISOString()).toBe('2023-04-05T06:07:08.000Z');
    expect(new Date(a.updated).toISOString()).toBe('2023-04-05T06:07:08.000Z');
    expect(catalog.notices).toEqual([
      {
        file: 'impossible-date.md',
        note: 'date "2022-02-30" is not a real date; treated as missing',
      },
      {
        file: 'impossible-date.md',
        note: "no usable date; using the file's first-seen modification time 2023-04-05T06:07:08.000Z",
      },
    ]);
    expect(JSON.stringify(scanReport(catalog))).not.toMatch(/Invalid Date|NaN|null,"updated"/);
  });

  it('keeps its first-seen date when the file is touched again', async () => {
    const file = path.join(temp.dir, 'impossible-date.md');
    await copyFile(fixturePath('impossible-date.md'), file);
    await utimes(file, new Date('2023-04-05T06:07:08Z'), new Date('2023-04-05T06:07:08Z'));
    const scanner = new CatalogScanner(scanConfig(temp.dir));
    expect(
      new Date(
        articleFrom((await scanner.scan()).catalog, 'impossible-date.md').date,
      ).toISOString(),
    ).toBe('2023-04-05T06:07:08.000Z');
    await utimes(file, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    const again = await scanner.scan();
    // Read again and hashed: the same bytes are not parsed again (tests/scan/racy-reread.test.ts).
    expect(again.stats.changed).toBe(0);
    expect(new Date(articleFrom(again.catalog, 'impossible-date.md').date).toISOString()).toBe(
      '2023-04-05T06:07:08.000Z',
    );
  });

  it.each([
    ['2022-13-45 99:99:99', '2022-13-45 99:99:99'],
    ['garbage', 'garbage'],
    ["'Sun, 31 Feb 2022 15:09:00 GMT'", 'Sun, 31 Feb 2022 15:09:00 GMT'],
  ])('treats date: %s the same way', async (value, shown) => {
    const file = path.join(temp.dir, 'bad-date.md');
    await writeFile(file, `---\ntitle: 日期错误\ndate: ${value}\n---\n正文\n`);
    await utimes(file, new Date('2021-01-02T03:04:05Z'), new Date('2021-01-02T03:04:05Z'));
    const { catalog } = await scanDir(temp.dir);
    expect(new Date(articleFrom(catalog, 'bad-date.md').date).toISOString()).toBe(
      '2021-01-02T03:04:05.000Z',
    );
    expect(catalog.notices[0]).toEqual({
      file: 'bad-date.md',
      note: `date "${shown}" is not a real date; treated as missing`,
    });
  });

  it('ignores an impossible updated date, and never lets updated precede date', () => {
    const bad = expectDraft(
      parseSeed('u.md', '---\ntitle: t\ndate: 2022-03-01\nupdated: 2022-02-30\n---\n正文\n'),
    );
    expect(bad.updated).toBeUndefined();
    const early = expectDraft(
      parseSeed('u.md', '---\ntitle: t\ndate: 2022-03-01\nupdated: 2022-01-01\n---\n正文\n'),
    );
    expect(new Date(early.updated!).toISOString()).toBe('2022-03-01T00:00:00.000Z');
    const later = expectDraft(
      parseSeed(
        'u.md',
        '---\ntitle: t\ndate: 2022-03-01\nlastmod: 2022-03-05T10:00:00+08:00\n---\n正文\n',
      ),
    );
    expect(new Date(later.updated!).toISOString()).toBe('2022-03-05T02:00:00.000Z');
  });
});
