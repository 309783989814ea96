/** The HTML pages (index, category, article) and the OPML, over the five real samples. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheerioAPI } from 'cheerio';
import { load } from 'cheerio';
import type { Catalog } from '../../src/model.js';
import type { Site } from '../../src/render/site.js';
import {
  BASE_URL,
  SAMPLE,
  SAMPLE_002_LINK,
  SAMPLES,
  articleFrom,
  loadText,
  makeSite,
  resourceText,
  scanCatalog,
  xml,
} from '../support/site.js';

const enc = (slug: string) => encodeURIComponent(slug);

let catalog: Catalog;
let site: Site;

beforeAll(async () => {
  catalog = await scanCatalog(SAMPLES);
  site = await makeSite(catalog);
});

const html = (p: string): CheerioAPI => load(resourceText(site, p));
const page = async (p: string): Promise<CheerioAPI> => load(await loadText(site, p));

function autodiscovery($: CheerioAPI) {
  return $('head link[rel="alternate"]')
    .map((_, el) => ({
      type: $(el).attr('type'),
      title: $(el).attr('title'),
      href: $(el).attr('href'),
    }))
    .get();
}

describe('index page', () => {
  let $: CheerioAPI;
  beforeAll(() => {
    $ = html('/');
  });

  it('is a zh-CN HTML document titled with the site title', () => {
    expect(resourceText(site, '/')).toMatch(/^<!doctype html>/);
    expect($('html').attr('lang')).toBe('zh-CN');
    expect($('title').text()).toBe('seedfeed');
    expect($('h1').text()).toBe('seedfeed');
    expect($('meta[charset]').attr('charset')).toBe('utf-8');
  });

  it('announces the three site feeds with titles, and the OPML', () => {
    expect(autodiscovery($)).toEqual([
      { type: 'application/rss+xml', title: 'seedfeed — all articles (RSS)', href: '/rss.xml' },
      { type: 'application/atom+xml', title: 'seedfeed — all articles (Atom)', href: '/atom.xml' },
      {
        type: 'application/feed+json',
        title: 'seedfeed — all articles (JSON Feed)',
        href: '/feed.json',
      },
    ]);
    expect($('head link[rel="outline"]').attr('href')).toBe('/opml.xml');
    expect($('head link[rel="outline"]').attr('type')).toBe('text/x-opml');
    expect($('body a[href="/opml.xml"]').length).toBeGreaterThanOrEqual(1);
  });

  it('lists every category with its count and links to its page and three feeds', () => {
    const rows = $('table.categories tr');
    expect(rows.length).toBe(catalog.categories.length);
    expect(rows.length).toBe(9);
    for (const category of catalog.categories) {
      const row = rows.filter((_, el) => $(el).find('td').first().text() === category.name);
      expect(row.length, category.name).toBe(1);
      expect(row.find('td.count').text()).toBe(String(category.articleIds.length));
      const hrefs = row
        .find('a')
        .map((_, el) => $(el).attr('href'))
        .get();
      const base = `/categories/${enc(category.slug)}/`;
      expect(hrefs).toEqual([base, `${base}rss.xml`, `${base}atom.xml`, `${base}feed.json`]);
    }
    const newMedia = rows.filter((_, el) => $(el).find('td').first().text() === '新媒体');
    expect(newMedia.find('td.count').text()).toBe('2');
    expect(newMedia.find('a').eq(1).attr('href')).toBe(
      '/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml',
    );
  });

  it('lists the newest articles, newest first, with dates, authors and category pills', () => {
    const items = $('ul.articles > li');
    expect(items.length).toBe(5);
    expect(
      items
        .find('a.title')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(catalog.articles.map((a) => a.title));
    const s000 = articleFrom(catalog, SAMPLE.s000.file);
    const li = items.filter((_, el) => $(el).find('a.title').text() === SAMPLE.s000.title);
    expect(li.find('a.title').attr('href')).toBe(`/articles/${s000.id}/`);
    expect(li.find('time').attr('datetime')).toBe('2022-02-13T15:09:00.000Z');
    expect(li.find('time').text()).toBe('2022-02-13 15:09 UTC');
    expect(li.find('.meta').text()).toContain('趣头条');
    expect(
      li
        .find('a.pill')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(['新媒体', '趣头条', '分类']);
    expect($('p.meta').first().text()).toContain('5 articles in 9 categories');
  });
});

describe('category page', () => {
  it('has its own autodiscovery links, its articles only, and its feed buttons', () => {
    const $ = html('/categories/新媒体/');
    expect($('title').text()).toBe('新媒体 — seedfeed');
    expect($('h1').text()).toBe('新媒体');
    const base = '/categories/%E6%96%B0%E5%AA%92%E4%BD%93/';
    expect(autodiscovery($)).toEqual([
      { type: 'application/rss+xml', title: 'seedfeed — 新媒体 (RSS)', href: `${base}rss.xml` },
      { type: 'application/atom+xml', title: 'seedfeed — 新媒体 (Atom)', href: `${base}atom.xml` },
      {
        type: 'application/feed+json',
        title: 'seedfeed — 新媒体 (JSON Feed)',
        href: `${base}feed.json`,
      },
    ]);
    expect(
      $('ul.articles a.title')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual([SAMPLE.s003.title, SAMPLE.s000.title]);
    expect(
      $('main p.meta .feeds a')
        .map((_, el) => $(el).attr('href'))
        .get(),
    ).toEqual([`${base}rss.xml`, `${base}atom.xml`, `${base}feed.json`]);
    expect($('main p.meta').text()).toContain('2 articles');
  });
});

describe('article page', () => {
  it('shows title, date, author, linked categories, sources and sanitized content', async () => {
    const article = articleFrom(catalog, SAMPLE.s000.file);
    const $ = await page(`/articles/${article.id}/`);
    expect($('title').text()).toBe(`${SAMPLE.s000.title} — seedfeed`);
    expect($('h1').text()).toBe(SAMPLE.s000.title);
    expect($('main > .meta time').attr('datetime')).toBe('2022-02-13T15:09:00.000Z');
    expect($('main > .meta').text()).toContain('趣头条');
    expect(
      $('main > .meta a.pill')
        .map((_, el) => ({ text: $(el).text(), href: $(el).attr('href') }))
        .get(),
    ).toEqual([
      { text: '新媒体', href: '/categories/%E6%96%B0%E5%AA%92%E4%BD%93/' },
      { text: '趣头条', href: '/categories/%E8%B6%A3%E5%A4%B4%E6%9D%A1/' },
      { text: '分类', href: '/categories/%E5%88%86%E7%B1%BB/' },
    ]);
    const facts = $('dl.facts');
    expect(
      facts
        .find('dt')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(['Source', 'Guid']);
    expect(facts.find('dd').first().text()).toBe(SAMPLE.s000.file);
    expect(facts.find('dd').last().text()).toBe(article.guid);
    const content = $('article.content');
    expect(content.find('p').length).toBeGreaterThan(5);
    expect(content.find('img').first().attr('src')).toMatch(
      /^https:\/\/cors\.zfour\.workers\.dev\/\?http:\/\/static\.1sapp\.com\//,
    );
    expect(content.text()).toContain('衡阳，是湖南著名的老工业基地');
    expect($('script').length).toBe(0);
    expect(await loadText(site, `/articles/${article.id}/`)).not.toMatch(/\son[a-z]+=/i);
    // the site feeds are announced on article pages too
    expect(autodiscovery($).map((l) => l.href)).toEqual(['/rss.xml', '/atom.xml', '/feed.json']);
  });

  it('links the original for sample 002 and lists its tags', async () => {
    const article = articleFrom(catalog, SAMPLE.s002.file);
    const $ = await page(`/articles/${article.id}/`);
    const original = $('dl.facts a[rel~="noopener"]');
    expect(original.attr('href')).toBe(SAMPLE_002_LINK);
    expect(original.text()).toBe(SAMPLE_002_LINK);
    expect(
      $('dl.facts dt')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(['Original', 'Tags', 'Source', 'Guid']);
    expect($('dl.facts dd').eq(1).text()).toBe('中国工业报新闻');
  });

  it('an unknown article id is not a page', async () => {
    expect(await site.load('/articles/0000000000000000/')).toBeUndefined();
    expect(await site.load('/articles/../')).toBeUndefined();
  });
});

describe('OPML', () => {
  it('is OPML 2.0 with one rss outline for everything and one per category, absolute xmlUrl', () => {
    const $ = xml(resourceText(site, '/opml.xml'));
    expect($('opml').attr('version')).toBe('2.0');
    expect($('opml > head > title').text()).toBe('seedfeed');
    // When the list last gained a feed: the newest of the categories' first articles.
    const firsts = catalog.categories.map((c) => catalog.byId.get(c.articleIds.at(-1)!)!.date);
    const listDate = new Date(Math.max(...firsts));
    expect($('opml > head > dateModified').text()).toBe(listDate.toUTCString());
    const outlines = $('opml > body > outline')
      .map((_, el) => ({
        type: $(el).attr('type'),
        text: $(el).attr('text'),
        xmlUrl: $(el).attr('xmlUrl'),
        htmlUrl: $(el).attr('htmlUrl'),
      }))
      .get();
    expect(outlines).toHaveLength(1 + catalog.categories.length);
    expect(outlines[0]).toEqual({
      type: 'rss',
      text: 'seedfeed — all articles',
      xmlUrl: `${BASE_URL}/rss.xml`,
      htmlUrl: `${BASE_URL}/`,
    });
    for (const [i, category] of catalog.categories.entries()) {
      expect(outlines[i + 1]).toEqual({
        type: 'rss',
        text: `seedfeed — ${category.name}`,
        xmlUrl: `${BASE_URL}/categories/${enc(category.slug)}/rss.xml`,
        htmlUrl: `${BASE_URL}/categories/${enc(category.slug)}/`,
      });
    }
    expect(outlines.map((o) => o.xmlUrl)).toContain(
      'https://news.example.org/categories/%E6%96%B0%E5%AA%92%E4%BD%93/rss.xml',
    );
  });
});
