import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEASE,
  parseIntent,
  topicPathOf,
  type RequestContext,
} from '../../src/websub/request.js';

const feeds = new Set(['/rss.xml', '/categories/新媒体/atom.xml']);
const ctx: RequestContext = {
  baseUrl: 'https://news.example.org/site',
  isFeed: (p) => feeds.has(p),
  lease: DEFAULT_LEASE,
};
const form = (fields: Record<string, string>) =>
  new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.callback': 'https://reader.example.com/cb?id=7',
    ...fields,
  });

describe('parseIntent', () => {
  it('takes a topic under a base URL with a path, percent-encoded or not, and names it canonically', () => {
    for (const topic of [
      'https://news.example.org/site/categories/%E6%96%B0%E5%AA%92%E4%BD%93/atom.xml',
      'https://news.example.org/site/categories/新媒体/atom.xml',
    ]) {
      expect(parseIntent(form({ 'hub.topic': topic }), ctx)).toEqual({
        mode: 'subscribe',
        topic: 'https://news.example.org/site/categories/%E6%96%B0%E5%AA%92%E4%BD%93/atom.xml',
        topicPath: '/categories/新媒体/atom.xml',
        callback: 'https://reader.example.com/cb?id=7',
        leaseSeconds: 864_000,
      });
    }
  });

  it('refuses topics outside the base path or on another origin', () => {
    expect(
      parseIntent(form({ 'hub.topic': 'https://news.example.org/rss.xml' }), ctx),
    ).toMatchObject({ status: 400 });
    expect(
      parseIntent(form({ 'hub.topic': 'http://news.example.org/site/rss.xml' }), ctx),
    ).toMatchObject({ status: 400 });
    expect(
      parseIntent(form({ 'hub.topic': 'https://news.example.org/sitex/rss.xml' }), ctx),
    ).toMatchObject({ status: 400 });
    expect(
      topicPathOf('https://news.example.org/site/%E0%A4%A/rss.xml', ctx.baseUrl),
    ).toBeUndefined();
  });

  it('bounds the lease, and lets an unsubscription name a feed that is gone', () => {
    const topic = 'https://news.example.org/site/rss.xml';
    expect(parseIntent(form({ 'hub.topic': topic, 'hub.lease_seconds': '5' }), ctx)).toMatchObject({
      leaseSeconds: 60,
    });
    expect(
      parseIntent(form({ 'hub.topic': topic, 'hub.lease_seconds': '9999999999' }), ctx),
    ).toMatchObject({ leaseSeconds: 30 * 24 * 3600 });
    expect(
      parseIntent(form({ 'hub.topic': topic, 'hub.lease_seconds': '1.5' }), ctx),
    ).toMatchObject({ status: 400 });
    const gone = 'https://news.example.org/site/categories/old/rss.xml';
    expect(parseIntent(form({ 'hub.topic': gone }), ctx)).toMatchObject({ status: 404 });
    expect(parseIntent(form({ 'hub.topic': gone, 'hub.mode': 'unsubscribe' }), ctx)).toMatchObject({
      mode: 'unsubscribe',
      topicPath: '/categories/old/rss.xml',
    });
  });

  it('keeps a secret of up to 199 bytes (counted in UTF-8)', () => {
    const topic = 'https://news.example.org/site/rss.xml';
    expect(
      parseIntent(form({ 'hub.topic': topic, 'hub.secret': 'x'.repeat(199) }), ctx),
    ).toMatchObject({ secret: 'x'.repeat(199) });
    expect(
      parseIntent(form({ 'hub.topic': topic, 'hub.secret': '秘'.repeat(67) }), ctx),
    ).toMatchObject({ status: 400 });
  });
});
