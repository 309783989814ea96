/**
 * `?opencc=` on feeds and pages: titles, summaries, content and category names are converted
 * (opencc-js); guids, links, slugs and markup are not. A variant is made once per Site and
 * cached, with its own ETag and working 304s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { convertHtmlText, converter } from '../../src/render/opencc.js';
import { parseFeedQuery } from '../../src/render/filters.js';
import { SAMPLES, siteFor } from '../support/site.js';

let built: Awaited<ReturnType<typeof siteFor>>;
beforeAll(async () => {
  built = await siteFor(SAMPLES);
});

const get = (p: string, headers: Record<string, string> = {}) => built.app.request(p, { headers });

describe('opencc on feeds', () => {
  it('s2t turns 数字化 into 數字化 in titles and content; guids, links and category URLs stay the same (RSS)', async () => {
    const [plain, converted] = [
      await (await get('/rss.xml')).text(),
      await (await get('/rss.xml?opencc=s2t')).text(),
    ];
    const [$p, $c] = [load(plain, { xml: true }), load(converted, { xml: true })];
    const field = ($: typeof $p, selector: string) =>
      $(selector)
        .map((_, e) => $(e).text())
        .get();
    expect(field($p, 'item > title').join()).toContain('数字化');
    expect(field($c, 'item > title').join()).toContain('數字化');
    expect(field($c, 'item > title').join()).not.toContain('数字化');
    expect(field($c, 'item > content\\:encoded').join()).toContain('數字化');
    expect(field($c, 'item > content\\:encoded').join()).not.toContain('数字化');
    expect(field($c, 'item > description').join()).toContain('數字化');
    for (const sel of ['item > guid', 'item > link', 'channel > link'])
      expect(field($c, sel), sel).toEqual(field($p, sel));
    const domains = ($: typeof $p) =>
      $('item > category')
        .map((_, e) => $(e).attr('domain'))
        .get();
    expect(domains($c)).toEqual(domains($p));
    // Category names are text: converted (新闻 → 新聞); their URLs (slugs) are not.
    expect(field($c, 'item > category')).toContain('新聞');
    expect(domains($c).some((d) => decodeURI(d).includes('/categories/新闻/'))).toBe(true);
  });

  it('the same holds for Atom and JSON Feed: ids, links and category schemes unchanged', async () => {
    const [a, b] = [
      load(await (await get('/atom.xml')).text(), { xml: true }),
      load(await (await get('/atom.xml?opencc=s2t')).text(), { xml: true }),
    ];
    expect(b('entry > title').text()).toContain('數字化');
    expect(b('entry > content').text()).toContain('數字化');
    expect(
      b('entry > id')
        .map((_, e) => b(e).text())
        .get(),
    ).toEqual(
      a('entry > id')
        .map((_, e) => a(e).text())
        .get(),
    );
    expect(
      b('entry > link')
        .map((_, e) => b(e).attr('href'))
        .get(),
    ).toEqual(
      a('entry > link')
        .map((_, e) => a(e).attr('href'))
        .get(),
    );
    expect(
      b('entry > category')
        .map((_, e) => b(e).attr('scheme'))
        .get(),
    ).toEqual(
      a('entry > category')
        .map((_, e) => a(e).attr('scheme'))
        .get(),
    );

    type Json = {
      items: Array<{
        id: string;
        url: string;
        title: string;
        content_html: string;
        tags: string[];
      }>;
    };
    const [p, c] = [
      (await (await get('/feed.json')).json()) as Json,
      (await (await get('/feed.json?opencc=s2t')).json()) as Json,
    ];
    expect(c.items.map((i) => i.id)).toEqual(p.items.map((i) => i.id));
    expect(c.items.map((i) => i.url)).toEqual(p.items.map((i) => i.url));
    expect(c.items.map((i) => i.title).join()).toContain('數字化');
    expect(c.items.map((i) => i.content_html).join()).toContain('數字化');
  });

  it('has its own ETag, answers 304 to it, and is made once per Site (the same bytes object)', async () => {
    const plain = await get('/atom.xml');
    const converted = await get('/atom.xml?opencc=s2t');
    const etag = converted.headers.get('etag')!;
    expect(etag).not.toBe(plain.headers.get('etag'));
    expect(converted.headers.get('cache-control')).toBe(plain.headers.get('cache-control'));
    expect((await get('/atom.xml?opencc=s2t', { 'if-none-match': etag })).status).toBe(304);
    expect(
      (await get('/atom.xml?opencc=s2t', { 'if-none-match': plain.headers.get('etag')! })).status,
    ).toBe(200);
    const query = (parseFeedQuery('opencc=s2t', 50) as { query: never }).query;
    expect(built.site.feedVariant('/atom.xml', query)).toBe(
      built.site.feedVariant('/atom.xml', query),
    );
  });

  it('every variant converts; t2s goes back; an unknown value is a 400', async () => {
    for (const v of ['s2t', 's2tw', 's2hk'])
      expect(await (await get(`/rss.xml?opencc=${v}`)).text(), v).toContain('數字化');
    const back = await (await get(`/rss.xml?opencc=t2s`)).text();
    expect(back).toContain('数字化');
    for (const v of ['tw2s', 'hk2s'])
      expect((await get(`/rss.xml?opencc=${v}`)).status, v).toBe(200);
    const bad = await get('/rss.xml?opencc=s2x');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/opencc must be one of s2t, t2s, s2tw, s2hk, tw2s, hk2s/);
    expect((await get('/?opencc=nope')).status).toBe(400);
  });
});

describe('opencc on pages', () => {
  it('converts the text of the index, category and article pages; every href stays the same', async () => {
    const article = built.catalog.articles.find((a) => a.title.includes('数字化'))!;
    for (const p of ['/', `/articles/${article.id}/`, '/categories/%E6%96%B0%E5%AA%92%E4%BD%93/']) {
      const [plain, converted] = [await get(p), await get(`${p}?opencc=s2t`)];
      expect(converted.status, p).toBe(200);
      const [$p, $c] = [load(await plain.text()), load(await converted.text())];
      expect($c('body').text(), p).toContain('數字化');
      expect(
        $c('a')
          .map((_, e) => $c(e).attr('href'))
          .get(),
        p,
      ).toEqual(
        $p('a')
          .map((_, e) => $p(e).attr('href'))
          .get(),
      );
      expect(converted.headers.get('etag')).not.toBe(plain.headers.get('etag'));
      expect(
        (await get(`${p}?opencc=s2t`, { 'if-none-match': converted.headers.get('etag')! })).status,
        p,
      ).toBe(304);
    }
  });

  it('converts text nodes only: attributes, comments and style stay byte for byte', () => {
    const convert = converter('s2t');
    const html =
      '<a href="/数字化/" title="数字化 > 软件">数字化</a><!-- 数字化 --><style>p::before{content:"数字"}</style><p>软件 &amp; 数字</p>';
    expect(convertHtmlText(html, convert)).toBe(
      '<a href="/数字化/" title="数字化 > 软件">數字化</a><!-- 数字化 --><style>p::before{content:"数字"}</style><p>軟件 &amp; 數字</p>',
    );
  });
});
