/** The pure part of RFC 3229 delta feeds, and the bounds of the versions kept. */
import { describe, expect, it } from 'vitest';
import { FeedVersions } from '../../src/http/delta-feed.js';
import { acceptsFeedDelta, baseVersion, newerItems } from '../../src/http/delta-items.js';

describe('A-IM', () => {
  it.each([
    ['feed', true],
    ['vcdiff, feed', true],
    ['FEED;q=0.5', true],
    ['feed;q=0', false],
    ['vcdiff', false],
    ['feeds', false],
    ['', false],
  ])('%j → %s', (header, accepted) => expect(acceptsFeedDelta(header)).toBe(accepted));
});

describe('the base version', () => {
  it.each([
    ['"abc"', '"abc"'],
    ['W/"abc"', '"abc"'],
    ['"abc-gzip"', '"abc"'],
    [' "abc-br" ', '"abc"'],
    ['"a", "b"', undefined],
    ['*', undefined],
    ['abc', undefined],
  ])('If-None-Match %j → %j', (header, base) => expect(baseVersion(header)).toBe(base));
});

it('newer items: new and changed ones, in the feed order', () => {
  const current = [
    { id: 'n', print: 'n1' },
    { id: 'e', print: 'e2' },
    { id: 'k', print: 'k1' },
  ];
  expect(newerItems(current, new Set(['k1', 'e1', 'gone1']))).toEqual(['n', 'e']);
});

describe('FeedVersions', () => {
  it('keeps the last 8 versions of a feed', () => {
    const versions = new FeedVersions();
    for (let v = 0; v < 10; v++) versions.remember('/rss.xml', `"v${v}"`, [`i${v}`]);
    expect(versions.prints('/rss.xml', '"v1"')).toBeUndefined();
    expect(versions.prints('/rss.xml', '"v2"')).toEqual(new Set(['i2']));
    expect(versions.prints('/atom.xml', '"v9"')).toBeUndefined();
    expect(versions.size).toBe(8);
  });

  it('keeps at most 250,000 item entries in all, the least recently used dropped', () => {
    const versions = new FeedVersions();
    const items = Array.from({ length: 10_000 }, (_, i) => `p${i}`);
    for (let f = 0; f < 30; f++) {
      versions.remember(`/f${f}/rss.xml`, `"f${f}"`, items);
      if (f > 0) versions.remember('/f0/rss.xml', '"f0"', items); // used again: kept
    }
    expect(versions.size).toBe(25);
    expect(versions.prints('/f0/rss.xml', '"f0"')).toBeDefined();
    expect(versions.prints('/f1/rss.xml', '"f1"')).toBeUndefined();
  });
});
