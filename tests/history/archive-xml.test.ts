/**
 * The archive pages' own XML writer (render/archive-xml.ts): hostile strings come out escaped,
 * well-formed, and read back as the text they were; the RFC 5005 links and namespaces are there.
 */
import { describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { renderAtomArchive, renderRssArchive } from '../../src/render/archive-xml.js';
import type { FeedSpec } from '../../src/render/feed-model.js';
import { expectWellFormed } from '../support/site.js';

const HOSTILE = `Tom & Jerry <b>"quoted"</b> 'single' ]]> &amp; end`;
/** The feed's own strings may carry what XML forbids; items come from toFeedItem() already clean. */
const RAW_TITLE = `site — ${HOSTILE.replace(' end', ' \u0001end')}`;
const urls = (page: string) => ({
  rss: `https://x.org/${page}/rss.xml`,
  atom: `https://x.org/${page}/atom.xml`,
  json: `https://x.org/${page}/feed.json`,
});

const spec: FeedSpec = {
  title: RAW_TITLE,
  description: 'All articles & more',
  homePage: 'https://x.org/?a=1&b=2',
  selfUrls: urls('archive/1'),
  language: 'zh-CN',
  icon: 'https://x.org/icon.png?a=1&b=2',
  updated: new Date('2024-05-01T10:00:00Z'),
  history: {
    archive: true,
    current: urls('current'),
    prevArchive: urls('archive/0'),
    nextArchive: urls('archive/2'),
  },
  items: [
    {
      guid: 'urn:sha256:abc',
      title: HOSTILE,
      url: 'https://x.org/articles/abc/?q=1&r=2',
      published: Date.parse('2024-04-30T08:00:00+08:00'),
      updated: Date.parse('2024-05-01T10:00:00Z'),
      author: HOSTILE,
      categories: [
        { name: HOSTILE, slug: 'tom-jerry', url: 'https://x.org/categories/tom-jerry/' },
      ],
      image: 'https://img.x.org/a.webp?w=1&h=2',
      summary: `<script>alert(1)</script> ${HOSTILE}`,
      contentHtml: '',
    },
  ],
};
const CLEAN = HOSTILE;

describe('archive pages written directly', () => {
  it('RSS: well-formed, escaped, fh:archive and the three links', async () => {
    const xml = renderRssArchive(spec);
    await expectWellFormed('rss archive', xml);
    const $ = load(xml, { xml: true });
    expect($('rss').attr('xmlns:fh')).toBe('http://purl.org/syndication/history/1.0');
    expect($('channel > fh\\:archive')).toHaveLength(1);
    const rels = $('channel > atom\\:link')
      .map((_, el) => `${$(el).attr('rel')} ${$(el).attr('href')}`)
      .get();
    expect(rels).toEqual([
      'self https://x.org/archive/1/rss.xml',
      'current https://x.org/current/rss.xml',
      'prev-archive https://x.org/archive/0/rss.xml',
      'next-archive https://x.org/archive/2/rss.xml',
    ]);
    const item = $('item');
    // Title, dc:creator and category have no declared type: an HTML reading finds no markup and shows the text.
    for (const field of ['title', 'dc\\:creator', 'category']) {
      expect(load(item.find(field).text(), null, false)('*'), field).toHaveLength(0);
      expect(load(item.find(field).text(), null, false).root().text(), field).toBe(CLEAN);
    }
    expect(load($('channel > title').text(), null, false).root().text()).toBe(`site — ${CLEAN}`);
    expect(item.find('link').text()).toBe('https://x.org/articles/abc/?q=1&r=2');
    expect(item.find('category').attr('domain')).toBe('https://x.org/categories/tom-jerry/');
    expect(item.find('enclosure').attr('url')).toBe('https://img.x.org/a.webp?w=1&h=2');
    expect(item.find('enclosure').attr('type')).toBe('image/webp');
    expect(item.find('pubDate').text()).toBe('Tue, 30 Apr 2024 00:00:00 GMT');
    // The description is HTML whose text is the summary: the script is text, never markup.
    expect(load(item.find('description').text()).text()).toBe(`<script>alert(1)</script> ${CLEAN}`);
    expect(xml).not.toContain('<script');
  });

  it('Atom: well-formed, escaped text constructs, fh:archive and the three links', async () => {
    const xml = renderAtomArchive(spec);
    await expectWellFormed('atom archive', xml);
    const $ = load(xml, { xml: true });
    expect($('feed').attr('xmlns:fh')).toBe('http://purl.org/syndication/history/1.0');
    expect($('feed').attr('xml:lang')).toBe('zh-CN');
    expect($('feed > fh\\:archive')).toHaveLength(1);
    expect($('feed > link[rel="prev-archive"]').attr('href')).toBe(
      'https://x.org/archive/0/atom.xml',
    );
    expect($('feed > link[rel="next-archive"]').attr('href')).toBe(
      'https://x.org/archive/2/atom.xml',
    );
    expect($('feed > link[rel="current"]').attr('href')).toBe('https://x.org/current/atom.xml');
    expect($('feed > title').text()).toBe(`site — ${CLEAN}`);
    const entry = $('entry');
    expect(entry.find('title').text()).toBe(CLEAN);
    expect(entry.find('title').attr('type')).toBe('text');
    expect(entry.find('author > name').text()).toBe(CLEAN);
    expect(entry.find('category').attr('term')).toBe(CLEAN);
    expect(entry.find('category').attr('label')).toBe(CLEAN);
    expect(entry.find('link[rel="enclosure"]').attr('href')).toBe(
      'https://img.x.org/a.webp?w=1&h=2',
    );
    expect(entry.find('summary').text()).toBe(`<script>alert(1)</script> ${CLEAN}`);
    expect(entry.find('published').text()).toBe('2024-04-30T00:00:00.000Z');
  });

  it('an empty page is still a complete document', async () => {
    const empty = { ...spec, items: [], history: { archive: true, current: urls('current') } };
    await expectWellFormed('empty rss archive', renderRssArchive(empty));
    await expectWellFormed('empty atom archive', renderAtomArchive(empty));
  });
});
