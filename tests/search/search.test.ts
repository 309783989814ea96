/** The index's search box: a GET form, answered by the server over titles and summaries (`/?q=`). */
import { beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { SAMPLES, siteFor } from '../support/site.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

let built: Awaited<ReturnType<typeof siteFor>>;
beforeAll(async () => {
  built = await siteFor(SAMPLES);
});

const results = async (q: string) => {
  const response = await built.app.request(`/?q=${encodeURIComponent(q)}`);
  expect(response.status, q).toBe(200);
  const $ = load(await response.text());
  return {
    $,
    titles: $('ul.articles a.title')
      .map((_, e) => $(e).text())
      .get(),
    response,
  };
};

describe('search', () => {
  it('the index has a plain GET form with a q field, allowed by the CSP; it says a static copy has no search', async () => {
    const response = await built.app.request('/');
    const $ = load(await response.text());
    const form = $('form.search');
    expect(form.attr('method')).toBe('get');
    expect(form.attr('action')).toBe('/');
    expect(form.find('input[name="q"]').length).toBe(1);
    expect($('body').text()).toContain('a static copy of this site has no search');
    expect(response.headers.get('content-security-policy')).toContain("form-action 'self'");
  });

  it('finds articles whose title or summary holds every word, newest first, and counts them', async () => {
    const expected = built.catalog.articles
      .filter((a) => a.title.includes('数字化'))
      .map((a) => a.title);
    expect(expected.length).toBeGreaterThan(1);
    const found = await results('数字化');
    expect(found.titles).toEqual(
      built.catalog.articles
        .filter((a) => a.title.includes('数字化') || summaryOf(a).includes('数字化'))
        .map((a) => a.title),
    );
    expect(found.titles).toEqual(expect.arrayContaining(expected));
    expect(found.$('p.meta').text()).toContain(`${found.titles.length} articles match “数字化”`);
    expect((await results('湖南 数字化')).titles).toEqual(
      built.catalog.articles
        .filter((a) =>
          ['湖南', '数字化'].every((w) => a.title.includes(w) || summaryOf(a).includes(w)),
        )
        .map((a) => a.title),
    );
    expect((await results('no-such-word-anywhere')).titles).toEqual([]);
  });

  it('echoes the query escaped; too long a query is a 400; q elsewhere changes nothing', async () => {
    const { $, response } = await results('<script>alert(1)</script>');
    const html = await (
      await built.app.request(`/?q=${encodeURIComponent('<script>alert(1)</script>')}`)
    ).text();
    expect(html).not.toContain('<script>alert(1)');
    expect($('input[name="q"]').attr('value')).toBe('<script>alert(1)</script>');
    expect(response.headers.get('etag')).toMatch(/^"/);
    expect((await built.app.request(`/?q=${'x'.repeat(201)}`)).status).toBe(400);
    const plain = await built.app.request('/rss.xml');
    expect((await built.app.request('/rss.xml?q=数字化')).headers.get('etag')).toBe(
      plain.headers.get('etag'),
    );
  });

  it('a result page has its own ETag and answers 304', async () => {
    const first = await built.app.request(`/?q=${encodeURIComponent('数字化')}`);
    const etag = first.headers.get('etag')!;
    expect(etag).not.toBe((await built.app.request('/')).headers.get('etag'));
    expect(
      (
        await built.app.request(`/?q=${encodeURIComponent('数字化')}`, {
          headers: { 'if-none-match': etag },
        })
      ).status,
    ).toBe(304);
  });
});
