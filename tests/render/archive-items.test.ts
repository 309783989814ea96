/**
 * Archive pages made of each article's item rendered once (render/archive-items.ts): byte for
 * byte what renderFeed writes for the whole page, in every format, whatever the ring still holds.
 */
import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_ITEM_BYTES,
  archiveFrame,
  ArchiveItems,
  archiveRingBytes,
} from '../../src/render/archive-items.js';
import type { FeedItem, FeedSpec } from '../../src/render/feed-model.js';
import { renderFeed } from '../../src/render/feed-specs.js';
import type { FeedFormat } from '../../src/render/urls.js';

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];
const HOSTILE = `Tom & Jerry <b>"quoted"</b> 'single' ]]> \u2028 新闻 😀 \\ end`;
const urls = (page: string) => ({
  rss: `https://x.org/${page}/rss.xml`,
  atom: `https://x.org/${page}/atom.xml`,
  json: `https://x.org/${page}/feed.json`,
});

function itemFor(n: number, authored: boolean): FeedItem {
  return {
    guid: `urn:sha256:${n}`,
    title: `${n} ${HOSTILE}`,
    url: `https://x.org/articles/${n}/?q=1&r=2`,
    published: Date.UTC(2024, 0, 1) + n * 3_600_000,
    updated: Date.UTC(2024, 0, 1) + n * 3_600_000 + (n % 3) * 1000,
    ...(authored || n % 2 ? { author: `author ${n} ${HOSTILE}` } : {}),
    categories:
      n % 4 ? [{ name: `${HOSTILE} ${n % 4}`, slug: `c${n % 4}`, url: 'https://x.org/c/' }] : [],
    ...(n % 3 ? { image: `https://img.x.org/${n}.webp?w=1&h=2` } : {}),
    summary: `<script>alert(${n})</script> ${HOSTILE}`.repeat(1 + (n % 5)),
    contentHtml: '',
  };
}

function specOf(items: FeedItem[]): FeedSpec {
  return {
    title: `site — ${HOSTILE} \u0001`,
    description: 'All articles & more',
    homePage: 'https://x.org/?a=1&b=2',
    selfUrls: urls('archive/1'),
    language: 'zh-CN',
    icon: 'https://x.org/icon.png',
    owner: 'site & co',
    updated: new Date(Math.max(...items.map((i) => Math.max(i.updated, i.published)))),
    history: {
      archive: true,
      current: urls('current'),
      prevArchive: urls('archive/0'),
      nextArchive: urls('archive/2'),
    },
    items,
  };
}

/** Pages of `size` consecutive articles, sliding by `step`, each asked for in the three formats. */
function* pages(count: number, size: number, step: number, authored: boolean) {
  for (let first = 0; first + size <= count; first += step) {
    const items = Array.from({ length: size }, (_, k) => itemFor(first + size - 1 - k, authored));
    for (const format of FORMATS) yield { format, items };
  }
}

function expectSameBytes(items: ArchiveItems, made: Map<string, number>, authored: boolean) {
  for (const { format, items: list } of pages(60, 12, 4, authored)) {
    const spec = specOf(list);
    const byId = new Map(list.map((i) => [i.guid, i]));
    const page = items.page(
      format,
      archiveFrame(
        format,
        spec,
        list.every((i) => i.author),
      ),
      list.map((i) => i.guid),
      (id) => {
        made.set(id, (made.get(id) ?? 0) + 1);
        return byId.get(id)!;
      },
    );
    expect(page, `${format} page`).toBeDefined();
    expect(page!.toString('utf8')).toBe(renderFeed(format, spec, true));
  }
}

describe('archive pages from items rendered once', () => {
  it('are the bytes renderFeed writes, with and without a feed-level author', () => {
    for (const authored of [true, false]) {
      const made = new Map<string, number>();
      expectSameBytes(new ArchiveItems(), made, authored);
      // Every article's item was made once for all its pages and formats.
      expect([...made.values()].every((n) => n === 1)).toBe(true);
      expect(made.size).toBe(60);
    }
  });

  it('stay the same bytes once the ring has overwritten the oldest items', () => {
    const made = new Map<string, number>();
    const items = new ArchiveItems(24 * 1024);
    expectSameBytes(items, made, false);
    // The ring held a few pages' items at a time: those met again after being overwritten were
    // made again, and the articles none of whose items are left were forgotten.
    expect([...made.values()].some((n) => n > 1)).toBe(true);
    expect(items.size).toBeLessThan(40);
  });

  it('gives up a page whose items do not fit in the ring together', () => {
    const list = Array.from({ length: 40 }, (_, k) => itemFor(k, false));
    const byId = new Map(list.map((i) => [i.guid, i]));
    const spec = specOf(list);
    const items = new ArchiveItems(8 * 1024);
    const page = items.page(
      'rss',
      archiveFrame('rss', spec, false),
      list.map((i) => i.guid),
      (id) => byId.get(id)!,
    );
    expect(page).toBeUndefined();
  });

  it('finds the place of the items in a page with no history and no icon', () => {
    const list = [itemFor(1, true), itemFor(2, true)];
    const { history: _history, icon: _icon, ...bare } = specOf(list);
    for (const format of FORMATS) {
      const [before, after] = archiveFrame(format, bare, true);
      const page = new ArchiveItems().page(
        format,
        [before, after],
        list.map((i) => i.guid),
        (id) => list.find((i) => i.guid === id)!,
      );
      expect(page!.toString('utf8')).toBe(renderFeed(format, bare, true));
    }
  });

  it('allocates its ring with the first item, sized to the export', () => {
    const items = new ArchiveItems(archiveRingBytes(3));
    expect(items.reserved).toBe(0);
    const list = [itemFor(1, true), itemFor(2, true)];
    const spec = specOf(list);
    const page = items.page(
      'atom',
      archiveFrame('atom', spec, true),
      list.map((i) => i.guid),
      (id) => list.find((i) => i.guid === id)!,
    );
    expect(page!.toString('utf8')).toBe(renderFeed('atom', spec, true));
    expect(items.reserved).toBe(256 << 10);
    expect(archiveRingBytes(100)).toBe(100 * (32 << 10));
    expect(archiveRingBytes(100_000)).toBe(ARCHIVE_ITEM_BYTES);
  });
});
