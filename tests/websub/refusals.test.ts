import { afterEach, describe, expect, it } from 'vitest';
import { BASE_URL, Sandbox, writeSeed } from '../live/harness.js';
import { startService, type Running } from './service.js';
import { hubRequest, Subscriber } from './subscriber.js';

const sandbox = new Sandbox();
let running: Running | undefined;
let sub: Subscriber | undefined;

afterEach(async () => {
  await running?.stop();
  await sub?.close();
  running = sub = undefined;
  await sandbox.cleanup();
});

async function setup(flags: Record<string, string> = {}) {
  const dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'first.md', {
    title: 'First post',
    day: 1,
    categories: ['News'],
    body: 'The first article.',
  });
  running = await startService(dirs, flags);
  sub = await new Subscriber().listen();
  return { r: running, sub };
}

describe('the hub refuses bad subscription requests with 4xx, and calls nobody', () => {
  it('refuses callbacks that are not http(s), topics that are not our feeds, and malformed fields', async () => {
    const { r, sub } = await setup();
    const ok = {
      'hub.mode': 'subscribe',
      'hub.topic': `${BASE_URL}/rss.xml`,
      'hub.callback': sub.callback(),
    };
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ ...ok, 'hub.callback': 'ftp://127.0.0.1/cb' }, 400, /http or https/],
      [{ ...ok, 'hub.callback': 'javascript:alert(1)' }, 400, /http or https/],
      [{ ...ok, 'hub.callback': 'file:///etc/passwd' }, 400, /http or https/],
      [{ ...ok, 'hub.callback': '/relative/cb' }, 400, /absolute URL/],
      [{ ...ok, 'hub.callback': 'http://user:pw@127.0.0.1/cb' }, 400, /credentials/],
      [{ ...ok, 'hub.topic': 'http://elsewhere.example/rss.xml' }, 400, /feeds under/],
      [{ ...ok, 'hub.topic': `${BASE_URL}/rss.xml?limit=3` }, 400, /feeds under/],
      [{ ...ok, 'hub.topic': `${BASE_URL}/` }, 404, /not a feed/],
      [{ ...ok, 'hub.topic': `${BASE_URL}/opml.xml` }, 404, /not a feed/],
      [{ ...ok, 'hub.topic': `${BASE_URL}/categories/nope/rss.xml` }, 404, /not a feed/],
      [{ ...ok, 'hub.mode': 'publish' }, 400, /hub.mode/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': `${BASE_URL}/rss.xml` }, 400, /callback is missing/],
      [{ ...ok, 'hub.secret': 'x'.repeat(200) }, 400, /less than 200 bytes/],
      [{ ...ok, 'hub.lease_seconds': '-5' }, 400, /lease_seconds/],
    ];
    for (const [fields, status, message] of cases) {
      const answer = await hubRequest(r.hubEndpoint, fields);
      expect([answer.status, answer.text], JSON.stringify(fields)).toEqual([
        status,
        expect.stringMatching(message),
      ]);
    }
    const wrongType = await hubRequest(r.hubEndpoint, ok, 'application/json');
    expect(wrongType.status).toBe(415);
    const tooBig = await fetch(r.hubEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a='.padEnd(20_000, 'x'),
    });
    expect(tooBig.status).toBe(413);

    await r.service.hub!.idle();
    expect(sub.verifications).toEqual([]);
    expect(r.service.hub!.list()).toEqual([]);
  });

  it('calls back only hosts on --hub-allow, and a listed name only on allowed addresses', async () => {
    const { r, sub } = await setup({ 'hub-allow': 'localhost,.example.org' });
    const refused = await hubRequest(r.hubEndpoint, {
      'hub.mode': 'subscribe',
      'hub.topic': `${BASE_URL}/rss.xml`,
      'hub.callback': sub.callback(),
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/not allowed by --hub-allow/);
    // localhost is listed, but it is the loopback (RFC 6761 §6.3), and no range allows that.
    const loopback = await hubRequest(r.hubEndpoint, {
      'hub.mode': 'subscribe',
      'hub.topic': `${BASE_URL}/rss.xml`,
      'hub.callback': sub.callback().replace('127.0.0.1', 'localhost'),
    });
    expect([loopback.status, loopback.text]).toEqual([
      403,
      expect.stringMatching(/localhost resolves to 127\.0\.0\.1: loopback/),
    ]);
    await r.service.hub!.idle();
    expect(sub.connections).toBe(0);
  });

  it('calls a listed name whose addresses are listed too', async () => {
    const { r, sub } = await setup({ 'hub-allow': 'localhost,127.0.0.1,::1' });
    const allowed = await hubRequest(r.hubEndpoint, {
      'hub.mode': 'subscribe',
      'hub.topic': `${BASE_URL}/rss.xml`,
      'hub.callback': sub.callback().replace('127.0.0.1', 'localhost'),
    });
    expect(allowed.status, allowed.text).toBe(202);
    await r.service.hub!.idle();
    expect(sub.verifications.map((v) => [v.mode, v.host])).toEqual([
      ['subscribe', `localhost:${sub.port}`],
    ]);
  });

  it('with an external --hub: feeds name it, POST /websub is not ours, and changed feeds are published to it', async () => {
    const external = await new Subscriber().listen();
    try {
      const { r } = await setup({ hub: `${external.origin}/hub` });
      expect(r.service.hub).toBeUndefined();
      const rss = await (await fetch(`${r.origin}/rss.xml`)).text();
      expect(rss).toContain(`<atom:link href="${external.origin}/hub" rel="hub"/>`);
      const answer = await hubRequest(r.hubEndpoint, { 'hub.mode': 'subscribe' });
      expect(answer.status).toBe(405);
      await r.service.pinger!.idle();
      expect(external.notifications).toEqual([]); // the first start compares with nothing

      await writeSeed(r.config.seedsDir, 'second.md', {
        title: 'Second',
        day: 2,
        categories: ['Sport'],
        body: 'A new one.',
      });
      await r.service.live.trigger('test');
      await r.service.pinger!.idle();
      const published = external.notifications.map((n) => {
        expect(n.headers['content-type']).toBe('application/x-www-form-urlencoded');
        const form = new URLSearchParams(n.body.toString('utf8'));
        expect(form.get('hub.mode')).toBe('publish');
        return form.get('hub.url');
      });
      // The site's feeds and the new category's changed; the News feeds did not.
      expect(published).toEqual(
        expect.arrayContaining([
          `${BASE_URL}/rss.xml`,
          `${BASE_URL}/atom.xml`,
          `${BASE_URL}/feed.json`,
          `${BASE_URL}/categories/sport/rss.xml`,
        ]),
      );
      expect(published.some((url) => url!.includes('/categories/news/'))).toBe(false);
    } finally {
      await external.close();
    }
  });

  it('advertises no hub with --hub none', async () => {
    const { r } = await setup({ hub: 'none' });
    expect(r.service.hub).toBeUndefined();
    const rss = await (await fetch(`${r.origin}/rss.xml`)).text();
    expect(rss).not.toContain('rel="hub"');
    expect(rss).toContain('rel="self"');
    const json = JSON.parse(await (await fetch(`${r.origin}/feed.json`)).text()) as Record<
      string,
      unknown
    >;
    expect(json.hubs).toBeUndefined();
  });
});
