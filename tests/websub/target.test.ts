import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOW, parseAllowList, type AllowList } from '../../src/websub/allow.js';
import type { Resolution } from '../../src/websub/resolve.js';
import { resolveTarget } from '../../src/websub/target.js';

const answers = (table: Record<string, Resolution>) => {
  const calls: string[] = [];
  return {
    calls,
    resolve: async (host: string): Promise<Resolution> => {
      calls.push(host);
      return table[host] ?? { error: 'ENOTFOUND' };
    },
  };
};
const at = (...addresses: string[]): Resolution => ({
  addresses: addresses.map((address) => ({ address, family: isIP(address) as 4 | 6 })),
});
const list = (entries: string[]) => parseAllowList(entries) as AllowList;

describe('resolveTarget', () => {
  it('pins every checked address and keys the target by its first', async () => {
    const dns = answers({ 'reader.example': at('2606:4700::1', '93.184.216.34') });
    const target = await resolveTarget(
      new URL('https://Reader.Example./cb'),
      DEFAULT_ALLOW,
      dns.resolve,
    );
    expect(target).toMatchObject({
      host: 'reader.example',
      key: '2606:4700::/64',
      addresses: [
        { address: '2606:4700::1', family: 6 },
        { address: '93.184.216.34', family: 4 },
      ],
    });
    expect(dns.calls).toEqual(['reader.example']);
  });

  it('treats localhost names as the loopback without asking DNS (RFC 6761 §6.3)', async () => {
    const dns = answers({ 'localhost.': at('93.184.216.34'), 'a.localhost': at('93.184.216.34') });
    for (const host of ['localhost', 'localhost.', 'a.localhost']) {
      expect(
        await resolveTarget(new URL(`http://${host}/`), DEFAULT_ALLOW, dns.resolve),
        host,
      ).toMatchObject({ status: 403, reason: expect.stringMatching(/127\.0\.0\.1: loopback/) });
    }
    expect(dns.calls).toEqual([]);
  });

  it('answers 400 for a name without addresses and 503 when DNS fails', async () => {
    const dns = answers({
      'empty.example': { addresses: [] },
      'slow.example': { error: 'DNS lookup timed out' },
      'broken.example': { error: 'ESERVFAIL' },
    });
    expect(
      await resolveTarget(new URL('http://nowhere.example/'), DEFAULT_ALLOW, dns.resolve),
    ).toMatchObject({
      status: 400,
      policy: false,
      reason: expect.stringMatching(/does not resolve \(ENOTFOUND\)/),
    });
    expect(
      await resolveTarget(new URL('http://empty.example/'), DEFAULT_ALLOW, dns.resolve),
    ).toMatchObject({ status: 400, policy: false });
    expect(
      await resolveTarget(new URL('http://slow.example/'), DEFAULT_ALLOW, dns.resolve),
    ).toMatchObject({ status: 503, policy: false });
    expect(
      await resolveTarget(new URL('http://broken.example/'), DEFAULT_ALLOW, dns.resolve),
    ).toMatchObject({ status: 503, policy: false });
  });

  it('needs every address to pass, listed ranges letting private ones through', async () => {
    const dns = answers({
      'mixed.example': at('93.184.216.34', '192.168.1.20'),
      'lan.example': at('192.168.1.20', 'fd00::20'),
    });
    expect(
      await resolveTarget(new URL('http://mixed.example/'), DEFAULT_ALLOW, dns.resolve),
    ).toMatchObject({
      status: 403,
      policy: true,
      reason: expect.stringMatching(/192\.168\.1\.20: private-use/),
    });
    const lan = list(['192.168.1.0/24', 'fd00::/8']);
    expect(await resolveTarget(new URL('http://lan.example/'), lan, dns.resolve)).toMatchObject({
      host: 'lan.example',
    });
    // mixed.example is not listed, and its public address is in no listed range.
    expect(await resolveTarget(new URL('http://mixed.example/'), lan, dns.resolve)).toMatchObject({
      status: 403,
      reason: expect.stringMatching(/not allowed by --hub-allow/),
    });
    expect(
      await resolveTarget(
        new URL('http://mixed.example/'),
        list(['*', '192.168.1.0/24']),
        dns.resolve,
      ),
    ).toMatchObject({ host: 'mixed.example' });
  });
});
