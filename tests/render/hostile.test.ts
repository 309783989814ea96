/**
 * Hostile input never breaks a feed: control characters, noncharacters, a lone surrogate, `]]>`,
 * `<` and `&` in every text field. Each XML output is checked by xmllint (a real parser, not
 * ours), JSON by JSON.parse, and what a reader would see is compared with what the file said.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import type { Article, Catalog } from '../../src/model.js';
import type { Site } from '../../src/render/site.js';
import {
  BASE_URL,
  XML_ILLEGAL_OR_REPLACEMENT,
  expectAllWellFormed,
  expectWellFormed,
  loadText,
  makeSite,
  makeTempDir,
  resourceText,
  scanCatalog,
  xml,
  xmllint,
} from '../support/site.js';

/**
 * Front matter uses YAML double-quoted escapes (\x01, \v, \uFFFE, \uD800 — a lone surrogate cannot
 * be written as UTF-8, so the YAML escape is the only way in); the body carries raw C0 bytes and
 * U+FFFE as UTF-8 bytes.
 */
const FRONT_MATTER = String.raw`---
title: "Tom & Jerry <b>x</b> \x01ctl \v vt \uFFFE nonchar \uD800 lone &amp; lit ]]> end"
author: "Evil \x01 <author> & co ]]>"
categories:
  - "A<B & C"
  - "ctl\x01cat\v"
  - "]]>"
  - "&amp;"
date: 2024-05-01T10:00:00Z
headimg: "https://img.example.com/a.png?x=1&y=2"
---
`;
const BODY = Buffer.concat([
  Buffer.from('<p>First ]]> and second ]]> raw ctl '),
  Buffer.from([0x01, 0x20, 0x0b]),
  Buffer.from(' nonchar '),
  Buffer.from([0xef, 0xbf, 0xbe]), // U+FFFE
  Buffer.from(
    ' &amp; literal &amp;amp; <b>bold</b></p>\n<p><img src="https://img.example.com/b.jpg"></p>\n',
  ),
  Buffer.from(
    '<script>alert(1)</script><img src="https://img.example.com/c.jpg" onerror="alert(1)">\n',
  ),
]);

/** What the title is once the illegal characters are gone (cleanLine also folds the spaces). */
const CLEAN_TITLE = 'Tom & Jerry <b>x</b> ctl vt nonchar lone &amp; lit ]]> end';
const CLEAN_AUTHOR = 'Evil <author> & co ]]>';
const CATEGORY_NAMES = ['A<B & C', 'ctlcat', ']]>', '&amp;'];

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let catalog: Catalog;
let site: Site;
let article: Article;

beforeAll(async () => {
  temp = await makeTempDir('seedfeed-hostile-');
  const bytes = Buffer.concat([Buffer.from(FRONT_MATTER, 'utf8'), BODY]);
  // The premises: the raw bytes really are in the file.
  expect(bytes.includes(Buffer.from([0x01]))).toBe(true);
  expect(bytes.includes(Buffer.from([0x0b]))).toBe(true);
  expect(bytes.includes(Buffer.from([0xef, 0xbf, 0xbe]))).toBe(true);
  expect(bytes.toString('utf8').split(']]>').length - 1).toBeGreaterThanOrEqual(4);
  await writeFile(path.join(temp.dir, 'hostile.md'), bytes);
  // A well-behaved neighbour, so the feeds have more than one item.
  await writeFile(
    path.join(temp.dir, 'plain.md'),
    '---\ntitle: Plain neighbour\ndate: 2024-04-01T00:00:00Z\ncategories: [Plain]\n---\n<p>Nothing odd here at all.</p>\n',
  );
  catalog = await scanCatalog(temp.dir);
  site = await makeSite(catalog);
  article = catalog.articles.find((a) => a.sources.includes('hostile.md'))!;
});

afterAll(() => temp.remove());

const xmlPaths = (s: Site) => [...s.paths()].filter((p) => /\.xml$/.test(p));
const jsonPaths = (s: Site) => [...s.paths()].filter((p) => p.endsWith('.json'));

/**
 * What a reader that renders the field as HTML shows. RSS title, dc:creator and category have no
 * declared type: they are written so that this reading and a plain-text one find no markup
 * (render/xml-text.ts), and the HTML reading is the exact text.
 */
const shownAsHtml = (text: string) => load(text, null, false).root().text();
const liveElements = (text: string) => load(text, null, false)('*').length;

function everyString(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) everyString(v, out);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) everyString(v, out);
  return out;
}

describe('the hostile file is used, not rejected', () => {
  it('parses into an article with every hostile field', () => {
    expect(catalog.rejected).toEqual([]);
    expect(article).toBeDefined();
    expect(article.title).toBe(CLEAN_TITLE);
    expect(article.author).toBe(CLEAN_AUTHOR);
    expect(article.categories).toEqual(CATEGORY_NAMES);
    expect(catalog.categories.map((c) => c.name).sort()).toEqual(
      [...CATEGORY_NAMES, 'Plain'].sort(),
    );
  });
});

describe('well-formedness', () => {
  it('xmllint itself rejects a broken document (the check can fail)', async () => {
    const { code, stderr } = await xmllint('<rss><title>a & b</title></rss>');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/xmlParseEntityRef|EntityRef|parser error/i);
    const bad = await xmllint('<a>\u0001</a>');
    expect(bad.code).not.toBe(0);
  });

  it('covers the site feeds, every category feed and the OPML', () => {
    const paths = xmlPaths(site);
    // 2 XML documents per feed (rss, atom) = 2 × (1 + 5 categories + 1 author) + OPML
    expect(paths).toHaveLength(2 * (1 + 5 + 1) + 1);
    expect(jsonPaths(site)).toHaveLength(1 + 5 + 1);
  });

  it('every RSS, Atom and OPML document is well-formed XML (xmllint)', async () => {
    await expectAllWellFormed(
      xmlPaths(site).map((p) => ({ name: p, contents: site.get(p)!.body })),
    );
  });

  it('every JSON Feed parses, and no string in it holds an XML-illegal character', () => {
    for (const p of jsonPaths(site)) {
      const text = resourceText(site, p);
      const parsed = JSON.parse(text) as unknown;
      for (const s of everyString(parsed))
        expect(XML_ILLEGAL_OR_REPLACEMENT.test(s), `${p}: ${JSON.stringify(s)}`).toBe(false);
    }
  });

  it('no output holds a C0 control, U+FFFE, a surrogate or U+FFFD', () => {
    for (const p of [...xmlPaths(site), ...jsonPaths(site)]) {
      const text = resourceText(site, p);
      const bad = XML_ILLEGAL_OR_REPLACEMENT.exec(text);
      expect(bad, `${p}: U+${bad?.[0].codePointAt(0)?.toString(16)}`).toBeNull();
    }
  });
});

describe('what a reader sees is what the file said', () => {
  it('RSS: title, category text, dc:creator, both ]]> of the content, enclosure URL with &', () => {
    const $ = xml(resourceText(site, '/rss.xml'));
    const item = $('item').filter((_, el) => $(el).children('guid').text() === article.guid);
    expect(item.length).toBe(1);
    // Undeclared type: HTML-escaped when it holds markup, so an HTML reading shows the exact text, `]]>` included.
    const title = item.children('title').text();
    expect(liveElements(title)).toBe(0);
    expect(shownAsHtml(title)).toBe(CLEAN_TITLE);
    expect(
      item
        .children('category')
        .map((_, el) => shownAsHtml($(el).text()))
        .get(),
    ).toEqual(CATEGORY_NAMES);
    expect(shownAsHtml(item.children('dc\\:creator').text())).toBe(CLEAN_AUTHOR);
    const content = item.children('content\\:encoded').text();
    expect(content.match(/]]&gt;/g)).toHaveLength(2);
    expect(content).toContain('&amp; literal &amp;amp;');
    expect(content).not.toContain('<script');
    expect(content).not.toContain('onerror');
    expect(item.children('enclosure').attr('url')).toBe('https://img.example.com/a.png?x=1&y=2');
    expect(item.children('enclosure').attr('type')).toBe('image/png');
  });

  it('RSS of a category named "&amp;": the literal text survives an HTML reading of title and description', () => {
    const slug = catalog.categories.find((c) => c.name === '&amp;')!.slug;
    const $ = xml(resourceText(site, `/categories/${slug}/rss.xml`));
    expect(shownAsHtml($('channel > title').text())).toBe('seedfeed — &amp;');
    expect(shownAsHtml($('channel > description').text())).toBe(
      'Articles in the category “&amp;”, newest first.',
    );
  });

  it('Atom: title is type="text" and exactly the clean title; category term/label keep < and &', () => {
    const $ = xml(resourceText(site, '/atom.xml'));
    const entry = $('entry').filter((_, el) => $(el).children('id').text() === article.guid);
    expect(entry.length).toBe(1);
    const title = entry.children('title');
    // type="text" (RFC 4287 §3.1.1.1): a reader shows the characters, `<b>` and `]]>` included.
    expect(title.attr('type')).toBe('text');
    expect(title.text()).toBe(CLEAN_TITLE);
    const categories = entry
      .children('category')
      .map((_, el) => ({ term: $(el).attr('term'), label: $(el).attr('label') }))
      .get();
    expect(categories).toEqual(CATEGORY_NAMES.map((name) => ({ term: name, label: name })));
    expect(entry.children('author').children('name').text()).toBe(CLEAN_AUTHOR);
    expect(entry.children('link[rel="enclosure"]').attr('href')).toBe(
      'https://img.example.com/a.png?x=1&y=2',
    );
    expect(entry.children('link[rel="enclosure"]').attr('type')).toBe('image/png');
  });

  it('Atom of a category named "A<B & C": feed title and subtitle', () => {
    const slug = catalog.categories.find((c) => c.name === 'A<B & C')!.slug;
    const $ = xml(resourceText(site, `/categories/${slug}/atom.xml`));
    expect($('feed > title').text()).toBe('seedfeed — A<B & C');
    expect($('feed > subtitle').text()).toBe('Articles in the category “A<B & C”, newest first.');
    expect($('feed > link[rel="self"]').attr('href')).toBe(
      `${BASE_URL}/categories/${slug}/atom.xml`,
    );
  });

  it('JSON Feed: plain strings exactly as cleaned', () => {
    const feed = JSON.parse(resourceText(site, '/feed.json')) as {
      items: Array<Record<string, unknown>>;
    };
    const item = feed.items.find((i) => i.id === article.guid)!;
    expect(item.title).toBe(CLEAN_TITLE);
    expect(item.authors).toEqual([{ name: CLEAN_AUTHOR }]);
    expect(item.tags).toEqual(CATEGORY_NAMES);
    expect(item.content_html).not.toContain('<script');
    expect(String(item.content_html).match(/]]&gt;/g)).toHaveLength(2);
  });

  it('OPML names the hostile categories escaped, and is well-formed', async () => {
    const text = resourceText(site, '/opml.xml');
    await expectWellFormed('/opml.xml', text);
    const $ = xml(text);
    for (const el of $('outline').get()) expect(liveElements($(el).attr('text')!)).toBe(0);
    const texts = $('outline')
      .map((_, el) => shownAsHtml($(el).attr('text')!))
      .get();
    for (const name of CATEGORY_NAMES) expect(texts).toContain(`seedfeed — ${name}`);
  });

  it('the article page has no script, no event handler, and escapes the title', async () => {
    const page = await loadText(site, `/articles/${article.id}/`);
    expect(page).not.toContain('<script');
    expect(page).not.toMatch(/\sonerror=/i);
    expect(page).toContain('<h1>Tom &amp; Jerry &lt;b&gt;x&lt;/b&gt;');
    expect(page).not.toContain('<b>x</b>');
    expect(page).toContain('<b>bold</b>');
  });
});
