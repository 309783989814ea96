/**
 * The three feed formats over the five real samples, parsed back: every item field a reader uses,
 * the channel/feed metadata, and the byte-for-byte stability of a render.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import type { Article, Catalog } from '../../src/model.js';
import type { Site } from '../../src/render/site.js';
import { renderJsonFeed } from '../../src/render/json-feed.js';
import { imageMediaType } from '../../src/render/media-type.js';
import {
  BASE_URL,
  RENDER_FIXTURES,
  SAMPLE,
  SAMPLE_002_LINK,
  SAMPLES,
  articleFrom,
  makeSite,
  resourceText,
  scanCatalog,
  xml,
} from '../support/site.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

const CATEGORY_URL = (slug: string) => `${BASE_URL}/categories/${encodeURIComponent(slug)}/`;
const QTT_HEADIMG =
  'https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/2022/02/13/197e2a4dbb4e3cfb0017191de88df981.jpeg';
const SINA_HEADIMG = 'https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png';

let catalog: Catalog;
let site: Site;
let byFile: Record<keyof typeof SAMPLE, Article>;

beforeAll(async () => {
  catalog = await scanCatalog(SAMPLES);
  site = await makeSite(catalog);
  byFile = Object.fromEntries(
    Object.entries(SAMPLE).map(([k, s]) => [k, articleFrom(catalog, s.file)]),
  ) as typeof byFile;
});

/** Where a reader is sent for an article: its original URL if it has one, else its page here. */
const expectedLink = (a: Article) =>
  a.link ??
  `${BASE_URL}/articles/${a.guid.slice('urn:sha256:'.length, 'urn:sha256:'.length + 16)}/`;

describe('samples in the catalog (the premises of the feed tests)', () => {
  it('are five articles with hash guids, newest first', () => {
    expect(catalog.articles).toHaveLength(5);
    expect(catalog.rejected).toEqual([]);
    for (const a of catalog.articles) expect(a.guid).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
    const times = catalog.articles.map((a) => a.date);
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('sample 002 alone carries an original link', () => {
    expect(byFile.s002.link).toBe(SAMPLE_002_LINK);
    expect(catalog.articles.filter((a) => a.link !== undefined)).toHaveLength(1);
  });
});

describe('RSS 2.0', () => {
  let $: CheerioAPI;
  const itemOf = (title: string): Cheerio<Element> => {
    const item = $('channel > item').filter((_, el) => $(el).children('title').text() === title);
    expect(item.length, `one RSS item titled ${title}`).toBe(1);
    return item;
  };

  beforeAll(() => {
    $ = xml(resourceText(site, '/rss.xml'));
  });

  it('is RSS 2.0 with the dc, content and atom namespaces', () => {
    const rss = $('rss');
    expect(rss.attr('version')).toBe('2.0');
    expect(rss.attr('xmlns:dc')).toBe('http://purl.org/dc/elements/1.1/');
    expect(rss.attr('xmlns:content')).toBe('http://purl.org/rss/1.0/modules/content/');
    expect(rss.attr('xmlns:atom')).toBe('http://www.w3.org/2005/Atom');
  });

  it('channel: title, link, description, language zh-CN, atom:link rel=self', () => {
    const channel = $('rss > channel');
    expect(channel.children('title').text()).toBe('seedfeed — all articles');
    expect(channel.children('link').text()).toBe(`${BASE_URL}/`);
    expect(channel.children('description').text()).toBe('All articles, newest first.');
    expect(channel.children('language').text()).toBe('zh-CN');
    const self = channel.children('atom\\:link');
    expect(self.length).toBe(1);
    expect(self.attr('rel')).toBe('self');
    expect(self.attr('href')).toBe(`${BASE_URL}/rss.xml`);
    expect(self.attr('type')).toBe('application/rss+xml');
  });

  it('has one item per article, newest first', () => {
    const titles = $('channel > item > title')
      .map((_, el) => $(el).text())
      .get();
    expect(titles).toEqual(catalog.articles.map((a) => a.title));
  });

  it('lastBuildDate is the newest item date, not the build time', () => {
    const pubDates = $('channel > item > pubDate')
      .map((_, el) => Date.parse($(el).text()))
      .get();
    const newest = Math.max(...pubDates);
    expect($('channel > lastBuildDate').text()).toBe(new Date(newest).toUTCString());
    expect(newest).toBe(catalog.articles[0]!.date);
    expect($('channel > lastBuildDate').text()).not.toBe(
      new Date('2026-01-01T00:00:00Z').toUTCString(),
    );
  });

  it('every item: link, guid urn:sha256 isPermaLink=false, pubDate, description, content:encoded with <p>', () => {
    for (const article of catalog.articles) {
      const item = itemOf(article.title);
      expect(item.children('link').text()).toBe(expectedLink(article));
      const guid = item.children('guid');
      expect(guid.text()).toBe(article.guid);
      expect(guid.text()).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
      expect(guid.attr('isPermaLink')).toBe('false');
      expect(item.children('pubDate').text()).toBe(new Date(article.date).toUTCString());
      // description is the plain-text summary, HTML-escaped inside CDATA
      const description = item.children('description').text();
      expect(description.length).toBeGreaterThan(20);
      expect(description).toContain(summaryOf(article).slice(0, 20));
      const content = item.children('content\\:encoded').text();
      expect(content).toContain('<p>');
      expect(content).not.toContain('<script');
      // no <author>: a name without an e-mail address is not valid there
      expect(item.children('author').length).toBe(0);
    }
  });

  it('sample 002 links to its original URL; the others to their page on the site', () => {
    expect(itemOf(SAMPLE.s002.title).children('link').text()).toBe(SAMPLE_002_LINK);
    const id = byFile.s000.id;
    expect(itemOf(SAMPLE.s000.title).children('link').text()).toBe(`${BASE_URL}/articles/${id}/`);
    expect(byFile.s000.guid.slice(11, 27)).toBe(id);
  });

  it('sample 000: pubDate, dc:creator, categories with domain, content with <p> and <img, image/jpeg enclosure for a proxy URL', () => {
    const item = itemOf(SAMPLE.s000.title);
    expect(item.children('pubDate').text()).toBe('Sun, 13 Feb 2022 15:09:00 GMT');
    expect(item.children('dc\\:creator').text()).toBe('趣头条');
    const categories = item
      .children('category')
      .map((_, el) => ({ name: $(el).text(), domain: $(el).attr('domain') }))
      .get();
    expect(categories).toEqual([
      { name: '新媒体', domain: CATEGORY_URL('新媒体') },
      { name: '趣头条', domain: CATEGORY_URL('趣头条') },
      { name: '分类', domain: CATEGORY_URL('分类') },
    ]);
    expect(categories[0]!.domain).toBe(
      'https://news.example.org/categories/%E6%96%B0%E5%AA%92%E4%BD%93/',
    );
    const content = item.children('content\\:encoded').text();
    expect(content).toContain('<p>');
    expect(content).toContain('<img');
    expect(content).toContain('衡阳，是湖南著名的老工业基地');
    const enclosure = item.children('enclosure');
    expect(enclosure.length).toBe(1);
    expect(enclosure.attr('url')).toBe(QTT_HEADIMG);
    expect(enclosure.attr('type')).toBe('image/jpeg');
    expect(enclosure.attr('length')).toBe('0');
  });

  it('sample 001: dc:creator, three categories; no enclosure (its headimg is a QR code in removed boilerplate)', () => {
    const item = itemOf(SAMPLE.s001.title);
    expect(byFile.s001.image).toBeUndefined();
    expect(item.children('enclosure').length).toBe(0);
    expect(resourceText(site, '/rss.xml')).not.toContain(SINA_HEADIMG);
    expect(item.children('dc\\:creator').text()).toBe('新浪财经');
    expect(
      item
        .children('category')
        .map((_, el) => $(el).text())
        .get(),
    ).toEqual(['金融', '新浪财经', '新浪财经－国內']);
    expect(item.children('pubDate').text()).toBe('Fri, 23 Jul 2021 09:06:41 GMT');
  });

  it('articles without author, image or categories get no empty elements', () => {
    const s002 = itemOf(SAMPLE.s002.title);
    expect(s002.children('dc\\:creator').length).toBe(0);
    expect(s002.children('enclosure').length).toBe(0);
    const s004 = itemOf(SAMPLE.s004.title);
    expect(s004.children('category').length).toBe(0);
    expect(s004.children('dc\\:creator').length).toBe(0);
  });

  it('no enclosure anywhere has the `feed` package type `image//`', () => {
    const types = $('enclosure')
      .map((_, el) => $(el).attr('type'))
      .get();
    expect(types.length).toBe(catalog.articles.filter((a) => a.image).length);
    expect(types.length).toBeGreaterThanOrEqual(2);
    for (const type of types) expect(type).toMatch(/^image\/[a-z]+$/);
  });

  it('a category feed holds only that category, titled and self-linked for it', () => {
    const $c = xml(resourceText(site, '/categories/新媒体/rss.xml'));
    expect($c('channel > title').text()).toBe('seedfeed — 新媒体');
    expect($c('channel > link').text()).toBe(CATEGORY_URL('新媒体'));
    expect($c('channel > atom\\:link').attr('href')).toBe(`${CATEGORY_URL('新媒体')}rss.xml`);
    expect(
      $c('channel > item > title')
        .map((_, el) => $c(el).text())
        .get(),
    ).toEqual([SAMPLE.s003.title, SAMPLE.s000.title]);
    expect($c('channel > lastBuildDate').text()).toBe('Fri, 12 Aug 2022 08:37:00 GMT');
  });
});

describe('Atom 1.0', () => {
  let $: CheerioAPI;
  const entryOf = (title: string): Cheerio<Element> => {
    const entry = $('feed > entry').filter((_, el) => $(el).children('title').text() === title);
    expect(entry.length, `one Atom entry titled ${title}`).toBe(1);
    return entry;
  };

  beforeAll(() => {
    $ = xml(resourceText(site, '/atom.xml'));
  });

  it('feed: namespace, xml:lang, id, title, self and alternate links, updated = newest item', () => {
    const feed = $('feed');
    expect(feed.attr('xmlns')).toBe('http://www.w3.org/2005/Atom');
    expect(feed.attr('xml:lang')).toBe('zh-CN');
    expect(feed.children('id').text()).toBe(`${BASE_URL}/atom.xml`);
    expect(feed.children('title').text()).toBe('seedfeed — all articles');
    expect(feed.children('link[rel="self"]').attr('href')).toBe(`${BASE_URL}/atom.xml`);
    expect(feed.children('link[rel="alternate"]').attr('href')).toBe(`${BASE_URL}/`);
    const newest = Math.max(
      ...$('entry > updated')
        .map((_, el) => Date.parse($(el).text()))
        .get(),
    );
    expect(feed.children('updated').text()).toBe(new Date(newest).toISOString());
    expect(feed.children('updated').text()).toBe(
      new Date(catalog.articles[0]!.updated).toISOString(),
    );
  });

  it('every entry: id is the guid, title type=text (a title is plain text), link, updated, published, summary and content', () => {
    expect($('feed > entry').length).toBe(5);
    for (const article of catalog.articles) {
      const entry = entryOf(article.title);
      expect(entry.children('id').text()).toBe(article.guid);
      expect(entry.children('title').attr('type')).toBe('text');
      expect(entry.children('link:not([rel])').attr('href')).toBe(expectedLink(article));
      expect(entry.children('updated').text()).toBe(new Date(article.updated).toISOString());
      expect(entry.children('published').text()).toBe(new Date(article.date).toISOString());
      expect(entry.children('summary').attr('type')).toBe('html');
      expect(entry.children('summary').text()).toContain(summaryOf(article).slice(0, 20));
      expect(entry.children('content').attr('type')).toBe('html');
      expect(entry.children('content').text()).toContain('<p>');
    }
  });

  it('sample 000: author, categories with term, label and scheme, image/jpeg enclosure', () => {
    const entry = entryOf(SAMPLE.s000.title);
    expect(entry.children('author').children('name').text()).toBe('趣头条');
    const categories = entry
      .children('category')
      .map((_, el) => ({
        term: $(el).attr('term'),
        label: $(el).attr('label'),
        scheme: $(el).attr('scheme'),
      }))
      .get();
    expect(categories).toEqual(
      ['新媒体', '趣头条', '分类'].map((name) => ({
        term: name,
        label: name,
        scheme: CATEGORY_URL(name),
      })),
    );
    const enclosure = entry.children('link[rel="enclosure"]');
    expect(enclosure.length).toBe(1);
    expect(enclosure.attr('href')).toBe(QTT_HEADIMG);
    expect(enclosure.attr('type')).toBe('image/jpeg');
    expect(entry.children('content').text()).toContain('<img');
  });

  it('sample 003 (proxy .jpg): image/jpeg; no enclosure anywhere is typed image//', () => {
    expect(entryOf(SAMPLE.s003.title).children('link[rel="enclosure"]').attr('type')).toBe(
      'image/jpeg',
    );
    expect(entryOf(SAMPLE.s001.title).children('link[rel="enclosure"]').length).toBe(0);
    const types = $('link[rel="enclosure"]')
      .map((_, el) => $(el).attr('type'))
      .get();
    expect(types.length).toBe(catalog.articles.filter((a) => a.image).length);
    for (const type of types) expect(type).toMatch(/^image\/[a-z]+$/);
  });

  it('sample 002 links to its original URL', () => {
    expect(entryOf(SAMPLE.s002.title).children('link:not([rel])').attr('href')).toBe(
      SAMPLE_002_LINK,
    );
  });
});

describe('JSON Feed 1.1', () => {
  interface JsonItem {
    id: string;
    url: string;
    external_url?: string;
    title: string;
    content_html: string;
    summary: string;
    image?: string;
    date_published: string;
    date_modified: string;
    authors?: Array<{ name: string }>;
    author?: unknown;
    tags: string[];
    attachments?: Array<{ url: string; mime_type: string }>;
  }
  interface JsonFeed {
    version: string;
    title: string;
    home_page_url: string;
    feed_url: string;
    description: string;
    language: string;
    items: JsonItem[];
  }
  let feed: JsonFeed;
  const itemOf = (title: string): JsonItem => {
    const items = feed.items.filter((i) => i.title === title);
    expect(items, `one JSON Feed item titled ${title}`).toHaveLength(1);
    return items[0]!;
  };

  beforeAll(() => {
    feed = JSON.parse(resourceText(site, '/feed.json')) as JsonFeed;
  });

  it('top level: version 1.1, title, home_page_url, feed_url, language', () => {
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('seedfeed — all articles');
    expect(feed.home_page_url).toBe(`${BASE_URL}/`);
    expect(feed.feed_url).toBe(`${BASE_URL}/feed.json`);
    expect(feed.language).toBe('zh-CN');
    expect(feed.items.map((i) => i.title)).toEqual(catalog.articles.map((a) => a.title));
  });

  it('every item: id, url, content_html, summary, dates, tags; authors as arrays, never the 1.0 `author`', () => {
    for (const article of catalog.articles) {
      const item = itemOf(article.title);
      expect(item.id).toBe(article.guid);
      expect(item.url).toBe(expectedLink(article));
      expect(item.content_html).toContain('<p>');
      expect(item.summary).toBe(summaryOf(article));
      expect(item.date_published).toBe(new Date(article.date).toISOString());
      expect(item.date_modified).toBe(new Date(article.updated).toISOString());
      expect(item.tags).toEqual(article.categories);
      expect(item).not.toHaveProperty('author');
      if (article.author) expect(item.authors).toEqual([{ name: article.author }]);
      else expect(item).not.toHaveProperty('authors');
    }
  });

  it('sample 000: authors, tags, image and a typed attachment', () => {
    const item = itemOf(SAMPLE.s000.title);
    expect(item.authors).toEqual([{ name: '趣头条' }]);
    expect(item.tags).toEqual(['新媒体', '趣头条', '分类']);
    expect(item.image).toBe(QTT_HEADIMG);
    expect(item.attachments).toEqual([{ url: QTT_HEADIMG, mime_type: 'image/jpeg' }]);
    expect(item.content_html).toContain('<img');
    expect(item.date_published).toBe('2022-02-13T15:09:00.000Z');
  });

  it('sample 001: no attachment; sample 002: external_url; sample 004: no tags, no attachments', () => {
    expect(itemOf(SAMPLE.s001.title)).not.toHaveProperty('attachments');
    const s002 = itemOf(SAMPLE.s002.title);
    expect(s002.external_url).toBe(SAMPLE_002_LINK);
    expect(s002.url).toBe(SAMPLE_002_LINK);
    const s004 = itemOf(SAMPLE.s004.title);
    expect(s004.tags).toEqual([]);
    expect(s004).not.toHaveProperty('attachments');
    expect(s004).not.toHaveProperty('image');
  });

  it('a category feed has its own home page and feed URL', () => {
    const category = JSON.parse(resourceText(site, '/categories/新媒体/feed.json')) as JsonFeed;
    expect(category.home_page_url).toBe(CATEGORY_URL('新媒体'));
    expect(category.feed_url).toBe(`${CATEGORY_URL('新媒体')}feed.json`);
    expect(category.items.map((i) => i.title)).toEqual([SAMPLE.s003.title, SAMPLE.s000.title]);
  });

  it('an empty feed is still valid JSON Feed', () => {
    const empty = JSON.parse(
      renderJsonFeed({
        title: 't',
        description: 'd',
        homePage: `${BASE_URL}/`,
        selfUrls: {
          rss: `${BASE_URL}/rss.xml`,
          atom: `${BASE_URL}/atom.xml`,
          json: `${BASE_URL}/feed.json`,
        },
        language: 'en',
        items: [],
        updated: new Date(0),
      }),
    ) as JsonFeed;
    expect(empty.items).toEqual([]);
    expect(empty.version).toBe('https://jsonfeed.org/version/1.1');
  });
});

describe('a PNG head image (fixture tests/fixtures/render/slugs/alpha.md)', () => {
  const PNG = 'https://img.example.com/alpha.png';
  let fixture: Site;
  beforeAll(async () => {
    fixture = await makeSite(await scanCatalog(path.join(RENDER_FIXTURES, 'slugs')));
  });

  it('RSS enclosure, Atom enclosure link and JSON attachment are typed image/png', () => {
    const $r = xml(resourceText(fixture, '/rss.xml'));
    const item = $r('item').filter((_, el) => $r(el).children('title').text() === 'Alpha report');
    expect(item.children('enclosure').attr('url')).toBe(PNG);
    expect(item.children('enclosure').attr('type')).toBe('image/png');
    const $a = xml(resourceText(fixture, '/atom.xml'));
    const entry = $a('entry').filter((_, el) => $a(el).children('title').text() === 'Alpha report');
    expect(entry.children('link[rel="enclosure"]').attr('href')).toBe(PNG);
    expect(entry.children('link[rel="enclosure"]').attr('type')).toBe('image/png');
    const json = JSON.parse(resourceText(fixture, '/feed.json')) as {
      items: Array<{ title: string; attachments?: unknown }>;
    };
    expect(json.items.find((i) => i.title === 'Alpha report')!.attachments).toEqual([
      { url: PNG, mime_type: 'image/png' },
    ]);
  });

  it('an English corpus gets language en', () => {
    expect(xml(resourceText(fixture, '/rss.xml'))('channel > language').text()).toBe('en');
    expect(xml(resourceText(fixture, '/atom.xml'))('feed').attr('xml:lang')).toBe('en');
  });
});

describe('media types of image URLs', () => {
  it.each([
    [QTT_HEADIMG, 'image/jpeg'],
    [SINA_HEADIMG, 'image/png'],
    ['https://cors.example/?http://h/a.webp', 'image/webp'],
    ['https://h/a.GIF?x=1', 'image/gif'],
    ['https://h/a.svg', 'image/svg+xml'],
    ['https://h/no-extension', 'image/jpeg'],
    ['data:image/png;base64,AAAA', 'image/png'],
  ])('%s → %s', (url, type) => {
    expect(imageMediaType(url)).toBe(type);
  });
});

describe('stability', () => {
  it('rendering twice, at different times, gives byte-identical feeds, OPML and pages', async () => {
    const again = await makeSite(await scanCatalog(SAMPLES), new Date());
    const paths = [...site.paths()];
    expect([...again.paths()]).toEqual(paths);
    for (const p of paths) {
      const [a, b] = [(await again.load(p))!, (await site.load(p))!];
      expect(Buffer.from(a.body).equals(Buffer.from(b.body)), p).toBe(true);
      expect(a.etag, p).toBe(b.etag);
    }
  });
});
