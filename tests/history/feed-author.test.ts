/**
 * RFC 4287 §4.1.1: an Atom feed names an author at feed level unless every entry has its own
 * (the W3C engine's `MissingElement: author`). Current feeds (xml-feeds.ts) and archive pages
 * (archive-xml.ts) alike name the site.
 */
import { describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { renderAtomArchive } from '../../src/render/archive-xml.js';
import type { FeedItem, FeedSpec } from '../../src/render/feed-model.js';
import { renderAtom } from '../../src/render/xml-feeds.js';
import { expectWellFormed } from '../support/site.js';

const item = (n: number, author?: string): FeedItem => ({
  guid: `urn:x:${n}`,
  title: `Item ${n}`,
  url: `https://x.org/articles/${n}/`,
  published: Date.UTC(2024, 0, n),
  updated: Date.UTC(2024, 0, n),
  author,
  categories: [],
  summary: `Summary ${n}`,
  contentHtml: '',
});

const spec = (items: FeedItem[]): FeedSpec => ({
  title: 'News & more',
  description: 'All articles',
  homePage: 'https://x.org/',
  selfUrls: {
    rss: 'https://x.org/rss.xml',
    atom: 'https://x.org/atom.xml',
    json: 'https://x.org/feed.json',
  },
  language: 'en',
  owner: 'News & <more>',
  items,
  updated: new Date(Date.UTC(2024, 0, 2)),
});

const RENDERERS = { current: renderAtom, archive: renderAtomArchive };

describe('Atom feed-level author', () => {
  for (const [kind, render] of Object.entries(RENDERERS)) {
    it(`${kind}: the site is the feed's author when an entry has none`, async () => {
      const xml = render(spec([item(1, 'Ann'), item(2)]));
      await expectWellFormed(`${kind} atom`, xml);
      const $ = load(xml, { xml: true });
      expect($('feed > author > name').text()).toBe('News & <more>');
      expect($('feed > author')).toHaveLength(1);
      expect($('entry > author > name').text()).toBe('Ann');
    });

    it(`${kind}: no feed-level author when every entry has one`, () => {
      const $ = load(render(spec([item(1, 'Ann'), item(2, 'Bo')])), { xml: true });
      expect($('feed > author')).toHaveLength(0);
    });
  }
});
