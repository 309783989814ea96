/**
 * Front matter is data. `---js` blocks are refused without being run, YAML's `!!js/*` tags are not
 * loaded, and broken YAML rejects its file with the YAML problem while the rest of a scan goes on.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import matter from 'gray-matter';
import { parseSeed } from '../../src/parse/index.js';
import type { Catalog } from '../../src/model.js';
import {
  FIXTURES,
  articleFrom,
  expectDraft,
  fixturePath,
  parseFixture,
  scanDir,
} from '../support/seeds.js';

/** The file js-front-matter.md writes if its front matter is ever evaluated. */
const CANARY = path.join(os.tmpdir(), 'seedfeed-js-front-matter-canary');
const JS_REASON =
  'front matter language "js" is not allowed: front matter is data (YAML), never code';

describe('js-front-matter.md', () => {
  const source = readFileSync(fixturePath('js-front-matter.md'), 'utf8');
  const liveCanary = path.join(os.tmpdir(), `seedfeed-live-canary-${process.pid}`);
  afterEach(() => rmSync(liveCanary, { force: true }));

  it('holds a live canary: gray-matter on its own defaults would execute it', () => {
    // The same file with the canary moved, so this proof cannot be mistaken for a failure below.
    const copy = source.replace(
      "'seedfeed-js-front-matter-canary'",
      JSON.stringify(path.basename(liveCanary)),
    );
    expect(copy).not.toBe(source);
    expect(existsSync(liveCanary)).toBe(false);
    const parsed = matter(copy, {});
    expect(parsed.data).toEqual({ title: '被执行的标题', date: '2022-01-01' });
    expect(readFileSync(liveCanary, 'utf8')).toBe('front matter was executed');
  });

  it('is rejected, saying front matter is never code, and its code does not run', async () => {
    rmSync(CANARY, { force: true });
    expect(await parseFixture('js-front-matter.md')).toEqual({
      file: 'js-front-matter.md',
      reason: JS_REASON,
    });
    expect(parseSeed('js-front-matter.md', source)).toEqual({
      file: 'js-front-matter.md',
      reason: JS_REASON,
    });
    expect(existsSync(CANARY)).toBe(false);
  });

  it.each([
    ['---javascript', 'javascript'],
    ['--- js', 'js'],
    ['---coffee', 'coffee'],
    ['---JS', 'JS'],
  ])('rejects the %j fence the same way', (fence, language) => {
    const text = source.replace(/^---js/, fence);
    expect(parseSeed('x.md', text)).toEqual({
      file: 'x.md',
      reason: `front matter language "${language}" is not allowed: front matter is data (YAML), never code`,
    });
    expect(existsSync(CANARY)).toBe(false);
  });

  it('still reads ---yaml and ---yml fences as YAML', () => {
    const body = '\ntitle: 标题\ndate: 2022-01-02\n---\n正文\n';
    expect(expectDraft(parseSeed('y.md', `---yaml${body}`)).title).toBe('标题');
    expect(new Date(expectDraft(parseSeed('y.md', `---yml${body}`)).date!).toISOString()).toBe(
      '2022-01-02T00:00:00.000Z',
    );
  });
});

describe('yaml-js-function.md', () => {
  it('is rejected: the !!js/function tag is not loaded', async () => {
    expect(await parseFixture('yaml-js-function.md')).toEqual({
      file: 'yaml-js-function.md',
      reason:
        'front matter is not valid YAML: unknown tag !<tag:yaml.org,2002:js/function> (line 2)',
    });
  });

  it.each([
    ['!!js/undefined', "title: !!js/undefined ''", 'unknown tag !<tag:yaml.org,2002:js/undefined>'],
    ['!!js/regexp', 'title: !!js/regexp /x/', 'unknown tag !<tag:yaml.org,2002:js/regexp>'],
    ['!!binary', 'image: !!binary aGVsbG8=', 'unknown tag !<tag:yaml.org,2002:binary>'],
    [
      '!!python/object',
      'x: !!python/object:os.system [ls]',
      'unknown tag !<tag:yaml.org,2002:python/object:os.system>',
    ],
  ])('refuses %s as well', (_tag, line, problem) => {
    expect(parseSeed('t.md', `---\ntitle: 标题\n${line}\n---\n正文\n`)).toEqual({
      file: 't.md',
      reason: `front matter is not valid YAML: ${problem} (line 3)`,
    });
  });

  it('keeps YAML timestamps as the text that was written, so the zone is not lost', () => {
    const d = expectDraft(
      parseSeed('t.md', '---\ntitle: 标题\ndate: 2022-03-02 11:09:47 +0800\n---\n正文\n'),
    );
    expect(new Date(d.date!).toISOString()).toBe('2022-03-02T03:09:47.000Z');
  });

  it('refuses front matter that is not a mapping', () => {
    expect(parseSeed('l.md', '---\n- a\n- b\n---\n正文\n')).toEqual({
      file: 'l.md',
      reason: 'front matter is not a mapping of keys to values',
    });
    expect(parseSeed('s.md', '---\njust a string\n---\n正文\n')).toEqual({
      file: 's.md',
      reason: 'front matter is not a mapping of keys to values',
    });
  });

  it('refuses front matter that is opened but never closed', () => {
    expect(parseSeed('o.md', '---\ntitle: 标题\n正文\n')).toEqual({
      file: 'o.md',
      reason: 'front matter has no closing --- line',
    });
  });
});

describe('malformed-yaml.md', () => {
  it('is rejected with the YAML problem and its line in the file', async () => {
    // Line 1 is blank (Hexo style); line 7 is the over-indented ` author:` entry.
    expect(readFileSync(fixturePath('malformed-yaml.md'), 'utf8').split('\n')[6]).toBe(
      ' author: 益阳日报',
    );
    expect(await parseFixture('malformed-yaml.md')).toEqual({
      file: 'malformed-yaml.md',
      reason: 'front matter is not valid YAML: bad indentation of a mapping entry (line 7)',
    });
  });

  it('counts lines from the top of the file, whatever precedes the opening ---', () => {
    const yaml = "---\ntitle: '标题'\n  date: 2022-01-01\n---\n正文\n";
    const reason = (text: string) => (parseSeed('m.md', text) as { reason?: string }).reason;
    expect(reason(yaml)).toBe(
      'front matter is not valid YAML: bad indentation of a mapping entry (line 3)',
    );
    expect(reason(`\n\n${yaml}`)).toBe(
      'front matter is not valid YAML: bad indentation of a mapping entry (line 5)',
    );
    expect(reason(`\r\n \r\n${yaml}`)).toBe(
      'front matter is not valid YAML: bad indentation of a mapping entry (line 5)',
    );
    expect(reason(`\uFEFF${yaml}`)).toBe(
      'front matter is not valid YAML: bad indentation of a mapping entry (line 3)',
    );
  });

  it('names the problem for an unterminated quote and a duplicated key', () => {
    expect(parseSeed('q.md', "---\ntitle: '标题\ndate: 2022-01-01\n---\n正文\n")).toEqual({
      file: 'q.md',
      // The quoted scalar is never closed: the parser runs to the end of the block looking for the quote.
      reason:
        'front matter is not valid YAML: unexpected end of the stream within a single quoted scalar (line 4)',
    });
    expect(parseSeed('k.md', '---\ntitle: 一\ntitle: 二\n---\n正文\n')).toEqual({
      file: 'k.md',
      reason: 'front matter is not valid YAML: duplicated mapping key (line 3)',
    });
  });
});

describe('a scan of the fixtures with the unsafe and broken files in it', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    rmSync(CANARY, { force: true });
    catalog = (await scanDir(FIXTURES)).catalog;
  });

  it('rejects each of them with its reason', () => {
    const reasons = Object.fromEntries(catalog.rejected.map((r) => [r.file, r.reason]));
    expect(reasons['js-front-matter.md']).toBe(JS_REASON);
    expect(reasons['yaml-js-function.md']).toBe(
      'front matter is not valid YAML: unknown tag !<tag:yaml.org,2002:js/function> (line 2)',
    );
    expect(reasons['malformed-yaml.md']).toBe(
      'front matter is not valid YAML: bad indentation of a mapping entry (line 7)',
    );
    expect(existsSync(CANARY)).toBe(false);
  });

  it('goes on to use every good file', () => {
    expect(catalog.articles).toHaveLength(10);
    expect(articleFrom(catalog, 'crlf.md').title).toBe('株洲轨道交通产业集群加速数字化');
    expect(articleFrom(catalog, 'missing-title.md').title).toBe('娄底钢铁企业的数字孪生工厂');
    for (const a of catalog.articles) expect(a.title).not.toBe('被执行的标题');
  });
});
