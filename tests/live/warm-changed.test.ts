import { describe, expect, it } from 'vitest';
import { warmChanged } from '../../src/live/warm-variants.js';
import { Resource } from '../../src/render/resource.js';
import type { Previous, Site } from '../../src/render/site.js';

const feed = (n: number) =>
  new TextEncoder().encode(`<rss>${`<item>entry ${n} 新闻 </item>`.repeat(400)}</rss>`);
const rss = (n: number) =>
  new Resource('/rss.xml', 'application/rss+xml', feed(n), new Date(0), `k${n}`);
const siteOf = (...resources: Resource[]) =>
  ({ resources: new Map(resources.map((r) => [r.path, r])) }) as unknown as Site;

describe('warmChanged: the variants readers asked for, warmed as a Site is swapped in', () => {
  it('resolves once the new feed has the encodings its last version was asked in, before the export starts', async () => {
    const was = rss(1);
    await was.variant('gzip');
    const now = rss(2);
    await warmChanged(siteOf(now), new Map([['/rss.xml', was]]) as Previous);
    expect(now.ready('gzip')).toBeDefined();
    expect(now.ready('br')).toBeUndefined(); // nobody asked for it
  });

  it('makes nothing for an output that did not change, or that nobody asked for compressed', async () => {
    const kept = rss(3);
    await kept.variant('gzip');
    const unasked = rss(4);
    const next = new Resource('/atom.xml', 'application/atom+xml', feed(5), new Date(0), 'k5');
    const before = new Map<string, Resource>([
      ['/rss.xml', kept],
      ['/atom.xml', unasked],
    ]);
    await warmChanged(siteOf(kept, next), before as Previous);
    expect(next.ready('gzip')).toBeUndefined();
    await expect(warmChanged(siteOf(kept), undefined)).resolves.toBeUndefined();
  });
});
