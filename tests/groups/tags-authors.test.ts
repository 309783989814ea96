/** Tag and author feeds: `/tags/<slug>/` and `/authors/<slug>/`, each a page with three feeds, like categories. */
import { beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { SAMPLES, SAMPLE, articleFrom, expectWellFormed, siteFor } from '../support/site.js';

let built: Awaited<ReturnType<typeof siteFor>>;
beforeAll(async () => {
  built = await siteFor(SAMPLES);
});

const TAG = '中国工业报新闻';
const tagPath = (file: string) => `/tags/${encodeURIComponent(TAG)}/${file}`;

describe('tag feeds', () => {
  it('a tag has a page and three feeds holding exactly its articles', async () => {
    const tagged = articleFrom(built.catalog, SAMPLE.s002.file);
    expect(tagged.tags).toEqual([TAG]);
    const page = await built.app.request(tagPath(''));
    expect(page.status).toBe(200);
    const $ = load(await page.text());
    expect($('h1').text()).toBe(`Tag: ${TAG}`);
    expect(
      $('ul.articles a.title')
        .map((_, e) => $(e).text())
        .get(),
    ).toEqual([tagged.title]);
    expect(
      $('link[rel="alternate"]')
        .map((_, e) => $(e).attr('href'))
        .get(),
    ).toEqual(['rss.xml', 'atom.xml', 'feed.json'].map(tagPath));

    const rss = load(await (await built.app.request(tagPath('rss.xml'))).text(), { xml: true });
    expect(rss('channel > title').text()).toBe(`seedfeed — tag ${TAG}`);
    expect(
      rss('item > guid')
        .map((_, e) => rss(e).text())
        .get(),
    ).toEqual([tagged.guid]);
    const atom = await (await built.app.request(tagPath('atom.xml'))).text();
    await expectWellFormed('tag atom', atom);
    const json = (await (await built.app.request(tagPath('feed.json'))).json()) as {
      items: Array<{ id: string }>;
      feed_url: string;
    };
    expect(json.items.map((i) => i.id)).toEqual([tagged.guid]);
    expect(json.feed_url).toBe(`https://news.example.org${tagPath('feed.json')}`);
  });

  it('an author has a page and three feeds holding exactly their articles', async () => {
    const byAuthor = built.catalog.articles.filter((a) => a.author === '趣头条');
    expect(byAuthor.length).toBeGreaterThan(0);
    const base = `/authors/${encodeURIComponent('趣头条')}/`;
    const rss = load(await (await built.app.request(`${base}rss.xml`)).text(), { xml: true });
    expect(rss('channel > title').text()).toBe('seedfeed — by 趣头条');
    expect(
      rss('item > guid')
        .map((_, e) => rss(e).text())
        .get(),
    ).toEqual(byAuthor.map((a) => a.guid));
    expect((await built.app.request(base)).status).toBe(200);
  });

  it('the index lists tags and authors with their feeds; the OPML stays one subscription per category', async () => {
    const $ = load(await (await built.app.request('/')).text());
    expect(
      $('table.groups a[href$="/"]')
        .map((_, e) => $(e).text())
        .get(),
    ).toEqual(expect.arrayContaining([TAG, '趣头条', '新浪财经']));
    expect($(`a[href="${tagPath('atom.xml')}"]`).length).toBe(1);
    const opml = await (await built.app.request('/opml.xml')).text();
    expect(opml).not.toContain('/tags/');
    expect((await built.app.request('/tags/no-such-tag/rss.xml')).status).toBe(404);
  });
});
