import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_BODY_LIMIT } from '../../src/render/feed-model.js';
import { articleFrom, BASE_URL, siteFor } from '../support/site.js';

// A body of many paragraphs, each a distinct line, so the test can tell whole from cut.
const paragraphs = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag} paragraph ${i} of the long article.`).join('\n\n');
const BIG = paragraphs(Math.ceil((FEED_BODY_LIMIT * 1.2) / 30), 'Big');
const SMALL = paragraphs(200, 'Small');

describe('a body larger than a feed item may carry', () => {
  let dir: string;
  let env: Awaited<ReturnType<typeof siteFor>>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-body-limit-'));
    await writeFile(
      path.join(dir, 'big.md'),
      `---\ntitle: Big\ndate: 2024-01-02T00:00:00Z\ncategories: [long]\n---\n${BIG}\n`,
    );
    await writeFile(
      path.join(dir, 'small.md'),
      `---\ntitle: Small\ndate: 2024-01-01T00:00:00Z\ncategories: [long]\n---\n${SMALL}\n`,
    );
    env = await siteFor(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('goes into every feed as its summary and a link to its page, which has all of it', async () => {
    const big = articleFrom(env.catalog, 'big.md');
    const page = `${BASE_URL}/articles/${big.id}/`;
    for (const feed of ['/rss.xml', '/atom.xml', '/feed.json', '/categories/long/rss.xml']) {
      const text = await (await env.app.request(feed)).text();
      expect(text, feed).not.toContain('Big paragraph 2000 of');
      expect(text, feed).toContain('Big paragraph 0 of'); // the summary
      expect(text, feed).toContain(`${page}`);
      expect(text, feed).toMatch(/Read the whole article \(\d[\d,]* KB\) on its page\./);
      expect(text.length, feed).toBeLessThan(FEED_BODY_LIMIT);
    }
    const html = await (await env.app.request(`/articles/${big.id}/`)).text();
    expect(html).toContain('Big paragraph 2000 of');
    expect(html).toContain(`Big paragraph ${Math.ceil((FEED_BODY_LIMIT * 1.2) / 30) - 1} of`);
  });

  it('leaves a body under the limit whole in the feeds', async () => {
    const text = await (await env.app.request('/rss.xml')).text();
    expect(text).toContain('Small paragraph 199 of');
  });
});
