/**
 * Server-side request forgery through the hub's callbacks: the hub must not be made to call
 * addresses that are not globally routable (loopback, private, link-local such as the cloud
 * metadata service, …) whatever the spelling, unless --hub-allow lists their range; and the
 * connection must go to the address that was checked, never to a fresh DNS answer.
 *
 * "No connection" is proven by a real subscriber on 127.0.0.1 (and ::1) that counts the TCP
 * connections it accepts.
 */
import { isIP } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BASE_URL, Sandbox, writeSeed } from '../live/harness.js';
import { startService, type Running } from './service.js';
import { hubRequest, Subscriber } from './subscriber.js';

const sandbox = new Sandbox();
const running: Running[] = [];
const subscribers: Subscriber[] = [];
const TOPIC = `${BASE_URL}/rss.xml`;
/** Every request that passes the form checks costs the client a token (limits.test.ts); these tests send many. */
const MANY = { perSecond: 100, burst: 100 };

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all(subscribers.splice(0).map((s) => s.close()));
  await sandbox.cleanup();
});

/** A resolver the test controls: no real DNS (the machine has no network). */
function fakeDns(table: Record<string, string[]>) {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const addresses = table[host];
    return addresses
      ? { addresses: addresses.map((address) => ({ address, family: isIP(address) as 4 | 6 })) }
      : { error: 'ENOTFOUND' };
  };
  return { resolve, calls, table };
}

async function setup(
  flags: Record<string, string>,
  overrides: Parameters<typeof startService>[2] = {},
) {
  const dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'first.md', {
    title: 'First post',
    day: 1,
    body: 'The first article.',
  });
  const r = await startService(dirs, flags, overrides);
  running.push(r);
  const sub = await new Subscriber().listen('127.0.0.1');
  subscribers.push(sub);
  return { dirs, r, sub };
}

const subscribe = (r: Running, callback: string) =>
  hubRequest(r.hubEndpoint, {
    'hub.mode': 'subscribe',
    'hub.topic': TOPIC,
    'hub.callback': callback,
  });

describe('the hub refuses callbacks that are not globally routable', () => {
  it('refuses every loopback spelling by default with 403 and the reason, and never connects', async () => {
    // The default: no --hub-allow at all (a rate high enough for the many requests here).
    const { r, sub } = await setup({ 'hub-allow': '' }, { hub: { clientRate: MANY } });
    // The same port on ::1, so a connection there would be counted too.
    const port = sub.port;
    const v6server = await import('node:http').then(({ createServer }) =>
      createServer((_q, s) => s.end()),
    );
    let v6connections = 0;
    v6server.on('connection', () => v6connections++);
    await new Promise<void>((resolve) =>
      v6server.listen(port, '::1', resolve).on('error', () => resolve()),
    );
    try {
      const spellings = [
        '127.0.0.1',
        '[::1]',
        '0.0.0.0',
        'localhost',
        'LOCALHOST',
        'localhost.',
        'sub.localhost',
        '2130706433',
        '0177.0.0.1',
        '0x7f.1',
        '0x7f000001',
        '127.1',
        '127.0.0.1.',
        '127.42.0.7',
        '[::ffff:127.0.0.1]',
        '[0:0:0:0:0:0:0:1]',
        '[::]',
        '[::127.0.0.1]',
        '[64:ff9b::7f00:1]',
        '[2002:7f00:1::1]',
        '0',
      ];
      for (const host of spellings) {
        const answer = await subscribe(r, `http://${host}:${port}/cb`);
        expect([answer.status, answer.text], host).toEqual([
          403,
          expect.stringMatching(/not globally routable/),
        ]);
      }
      await r.service.hub!.idle();
      expect(sub.connections).toBe(0);
      expect(v6connections).toBe(0);
      expect(sub.verifications).toEqual([]);
      expect(r.service.hub!.list()).toEqual([]);
    } finally {
      v6server.closeAllConnections();
      await new Promise<void>((resolve) => v6server.close(() => resolve()));
    }
  });

  it('refuses private, shared, link-local (cloud metadata), documentation, multicast and reserved addresses, also inside IPv6', async () => {
    const { r } = await setup({ 'hub-allow': '' }, { hub: { clientRate: MANY } });
    const cases: Array<[string, RegExp]> = [
      ['169.254.169.254', /link-local/],
      ['10.0.0.1', /private/],
      ['172.16.5.4', /private/],
      ['172.31.255.255', /private/],
      ['192.168.1.1', /private/],
      ['100.64.0.1', /shared/],
      ['192.0.0.170', /IETF protocol/],
      ['192.0.2.10', /documentation/],
      ['198.18.0.1', /benchmarking/],
      ['224.0.0.1', /multicast/],
      ['255.255.255.255', /reserved|broadcast/],
      ['[fc00::1]', /unique local/],
      ['[fd12:3456::1]', /unique local/],
      ['[fe80::1]', /link-local/],
      ['[ff02::1]', /multicast/],
      ['[2001:db8::1]', /documentation/],
      ['[::ffff:10.0.0.1]', /10\.0\.0\.1.*private/],
      ['[::ffff:169.254.169.254]', /link-local/],
      ['[64:ff9b::a9fe:a9fe]', /169\.254\.169\.254.*link-local/],
      ['[2002:a9fe:a9fe::1]', /169\.254\.169\.254.*link-local/],
      // Teredo (RFC 4380): the client's address is the last 32 bits inverted, here 10.0.0.1.
      ['[2001:0:4136:e378:8000:63bf:f5ff:fffe]', /10\.0\.0\.1.*private/],
    ];
    for (const [host, reason] of cases) {
      const answer = await subscribe(r, `http://${host}/cb`);
      expect([answer.status, answer.text], host).toEqual([403, expect.stringMatching(reason)]);
    }
    await r.service.hub!.idle();
    expect(r.service.hub!.stats()).toMatchObject({
      pending: 0,
      verifications: { ok: 0, failed: 0 },
    });
  });

  it('refuses a name that resolves to such an address, even when --hub-allow names the host', async () => {
    const dns = fakeDns({
      'reader.example': ['127.0.0.1'],
      'mixed.example': ['93.184.216.34', '10.0.0.1'],
      'meta.example': ['169.254.169.254'],
    });
    const { r, sub } = await setup(
      { 'hub-allow': 'reader.example,mixed.example,meta.example' },
      { hub: { resolve: dns.resolve } },
    );
    const port = sub.port;
    for (const [host, address] of [
      ['reader.example', '127.0.0.1'],
      ['mixed.example', '10.0.0.1'],
      ['meta.example', '169.254.169.254'],
    ] as const) {
      const answer = await subscribe(r, `http://${host}:${port}/cb`);
      expect([answer.status, answer.text], host).toEqual([403, expect.stringContaining(address)]);
    }
    await r.service.hub!.idle();
    expect(sub.connections).toBe(0);
    expect(r.service.hub!.list()).toEqual([]);
  });

  it('calls a private reader when --hub-allow lists its range, on the address it checked (not a new DNS answer)', async () => {
    // reader.example exists only in this resolver: the system's DNS cannot resolve it, so the
    // verification can only arrive if the connection went to the address the hub checked.
    const dns = fakeDns({ 'reader.example': ['127.0.0.1'] });
    const { r, sub } = await setup(
      { 'hub-allow': 'reader.example,127.0.0.0/8' },
      { hub: { resolve: dns.resolve } },
    );
    const callback = `http://reader.example:${sub.port}/cb`;
    const answer = await subscribe(r, callback);
    expect(answer.status, answer.text).toBe(202);
    await r.service.hub!.idle();
    expect(sub.verifications).toEqual([
      expect.objectContaining({ mode: 'subscribe', host: `reader.example:${sub.port}` }),
    ]);
    expect(r.service.hub!.list().map((s) => s.callback)).toEqual([callback]);
    // One resolution for the one request.
    expect(dns.calls).toEqual(['reader.example']);
  });

  it('with only names listed, refuses any other name before a DNS lookup', async () => {
    const dns = fakeDns({
      'reader.example': ['93.184.216.34'],
      'other.example': ['93.184.216.34'],
    });
    const { r } = await setup(
      { 'hub-allow': 'reader.example,.feeds.example' },
      { hub: { resolve: dns.resolve } },
    );
    for (const host of [
      'other.example',
      'feeds.example',
      'reader.example.evil.test',
      '93.184.216.34',
    ]) {
      const answer = await subscribe(r, `http://${host}/cb`);
      expect([answer.status, answer.text], host).toEqual([
        403,
        expect.stringMatching(/not allowed by --hub-allow/),
      ]);
    }
    expect(dns.calls).toEqual([]);
  });

  it('matches listed addresses and ranges on what a name resolves to, and refuses addresses outside them', async () => {
    const dns = fakeDns({
      'lan.example': ['127.0.0.1'],
      'public.example': ['93.184.216.34'],
      'other.example': ['127.0.0.2'],
    });
    const { r, sub } = await setup(
      { 'hub-allow': 'reader.example,127.0.0.1' },
      { hub: { resolve: dns.resolve } },
    );
    const port = sub.port;
    // A public address, but neither the name nor the address is listed.
    const pub = await subscribe(r, `http://public.example:${port}/cb`);
    expect([pub.status, pub.text]).toEqual([
      403,
      expect.stringMatching(
        /public\.example is not allowed by --hub-allow \(93\.184\.216\.34 is in none of its ranges\)/,
      ),
    ]);
    for (const host of ['other.example', '127.0.0.2']) {
      const answer = await subscribe(r, `http://${host}:${port}/cb`);
      expect([answer.status, answer.text], host).toEqual([
        403,
        expect.stringMatching(/127\.0\.0\.2: loopback.*not globally routable/),
      ]);
    }
    // An unlisted name that resolves into a listed address, and the address itself.
    expect((await subscribe(r, `http://lan.example:${port}/a`)).status).toBe(202);
    expect((await subscribe(r, `http://127.0.0.1:${port}/b`)).status).toBe(202);
    await r.service.hub!.idle();
    expect(sub.verifications.map((v) => v.path).sort()).toEqual(['/a', '/b']);
  });

  it('checks the address again for every delivery: a name rebound to a refused address gets nothing', async () => {
    const dns = fakeDns({ 'reader.example': ['127.0.0.1'] });
    const { dirs, r, sub } = await setup(
      { 'hub-allow': 'reader.example,127.0.0.1/32' },
      { hub: { resolve: dns.resolve } },
    );
    expect((await subscribe(r, `http://reader.example:${sub.port}/cb`)).status).toBe(202);
    await r.service.hub!.idle();
    expect(r.service.hub!.list()).toHaveLength(1);
    expect(sub.connections).toBe(1);

    // Rebinding: the same name now points at the metadata service.
    dns.table['reader.example'] = ['169.254.169.254'];
    await writeSeed(dirs.seeds, 'second.md', {
      title: 'Second post',
      day: 2,
      body: 'After the rebinding.',
    });
    await r.service.live.trigger('test');
    await r.service.hub!.idle();
    expect(sub.notifications).toEqual([]);
    expect(sub.connections).toBe(1);
    // The subscription is dropped at once: its callback now names a refused address.
    expect(r.service.hub!.list()).toEqual([]);
    expect(r.service.hub!.stats()).toMatchObject({ dropped: 1 });
  });
});
