import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  formatAddress,
  parseAddress,
  parseRange,
  type Address,
} from '../../src/net/address.js';
import {
  DEFAULT_ALLOW,
  listedRange,
  nameAllowed,
  parseAllowList,
  type AllowList,
} from '../../src/websub/allow.js';
import { machineKey } from '../../src/websub/target.js';

const addr = (text: string): Address => {
  const a = parseAddress(text);
  if (!a) throw new Error(`not an address: ${text}`);
  return a;
};
const verdict = (text: string) => classifyAddress(addr(text));

describe('parseAddress and formatAddress', () => {
  it('reads both families, with brackets, zones and an IPv4 tail, and writes the RFC 5952 form', () => {
    for (const [input, output] of [
      ['127.0.0.1', '127.0.0.1'],
      ['[::1]', '::1'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['::', '::'],
      ['::ffff:127.0.0.1', '::ffff:7f00:1'],
      ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
      ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['fe80::1%eth0', 'fe80::1'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ]) {
      expect(formatAddress(addr(input!)), input).toBe(output);
    }
    for (const text of ['localhost', '127.1', '2130706433', '1.2.3.4.5', ':::1', ''])
      expect(parseAddress(text), text).toBeUndefined();
  });

  it('reads ranges and refuses a prefix that is too long or leaves host bits set', () => {
    expect(parseRange('192.168.1.0/24')).toMatchObject({ family: 4, prefix: 24 });
    expect(parseRange('fd00::/8')).toMatchObject({ family: 6, prefix: 8 });
    expect(parseRange('[fd00::]/8')).toMatchObject({ family: 6, prefix: 8 });
    expect(parseRange('10.0.0.5')).toMatchObject({ family: 4, prefix: 32 });
    expect(parseRange('0.0.0.0/0')).toMatchObject({ prefix: 0, value: 0n });
    expect(parseRange('10.0.0.0/33')).toMatch(/prefix length/);
    expect(parseRange('10.0.0.5/8')).toMatch(/network is 10\.0\.0\.0\/8/);
    expect(parseRange('reader.example')).toBeUndefined();
  });
});

describe('classifyAddress (IANA special-purpose registries)', () => {
  it('lets globally routable unicast through', () => {
    for (const text of [
      '93.184.216.34',
      '8.8.8.8',
      '1.1.1.1',
      '100.63.255.255',
      '100.128.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '192.0.1.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001:80b::200e',
      '::ffff:93.184.216.34',
      '64:ff9b::5db8:d822',
      '2002:5db8:d822::1',
    ]) {
      expect(verdict(text), text).toEqual({ global: true });
    }
  });

  it('refuses every IPv4 block that is not globally reachable, naming it', () => {
    const cases: Array<[string, RegExp]> = [
      ['0.0.0.0', /this network.*0\.0\.0\.0\/8/],
      ['0.1.2.3', /this network/],
      ['10.255.255.255', /private-use.*10\.0\.0\.0\/8/],
      ['100.64.0.0', /shared address space.*100\.64\.0\.0\/10/],
      ['100.127.255.255', /shared/],
      ['127.0.0.1', /loopback.*127\.0\.0\.0\/8/],
      ['127.255.255.254', /loopback/],
      ['169.254.169.254', /link-local.*metadata.*169\.254\.0\.0\/16/],
      ['172.16.0.0', /private-use.*172\.16\.0\.0\/12/],
      ['172.31.255.255', /private-use/],
      ['192.0.0.8', /IETF protocol assignments/],
      ['192.0.2.1', /TEST-NET-1/],
      ['192.88.99.1', /6to4 relay/],
      ['192.168.0.1', /private-use.*192\.168\.0\.0\/16/],
      ['198.18.0.1', /benchmarking/],
      ['198.19.255.255', /benchmarking/],
      ['198.51.100.1', /TEST-NET-2/],
      ['203.0.113.1', /TEST-NET-3/],
      ['224.0.0.251', /multicast/],
      ['239.255.255.250', /multicast/],
      ['240.0.0.1', /reserved/],
      ['255.255.255.255', /limited broadcast/],
    ];
    for (const [text, reason] of cases)
      expect(verdict(text), text).toEqual({ global: false, reason: expect.stringMatching(reason) });
  });

  it('refuses IPv6 outside 2000::/3 and the special blocks inside it', () => {
    const cases: Array<[string, RegExp]> = [
      ['::1', /loopback/],
      ['::', /unspecified/],
      ['::7f00:1', /IPv4-compatible/],
      ['64:ff9b:1::1', /local-use IPv4\/IPv6 translation/],
      ['100::1', /discard-only/],
      ['fc00::1', /unique local/],
      ['fd00::2', /unique local/],
      ['fe80::1', /link-local/],
      ['febf::1', /link-local/],
      ['fec0::1', /site-local/],
      ['ff02::1', /multicast/],
      ['5f00::1', /outside 2000::\/3/],
      ['4000::1', /outside 2000::\/3/],
      ['2001:db8::1', /documentation.*RFC 3849/],
      ['3fff::1', /documentation.*RFC 9637/],
      ['2001:2::1', /IETF protocol assignments/],
    ];
    for (const [text, reason] of cases)
      expect(verdict(text), text).toEqual({ global: false, reason: expect.stringMatching(reason) });
  });

  it('judges an IPv6 address carrying an IPv4 address by that address too', () => {
    expect(verdict('::ffff:127.0.0.1')).toEqual({
      global: false,
      reason: expect.stringMatching(/^IPv4-mapped for 127\.0\.0\.1, loopback/),
    });
    expect(verdict('::ffff:7f00:1')).toMatchObject({ global: false });
    expect(verdict('64:ff9b::a9fe:a9fe')).toEqual({
      global: false,
      reason: expect.stringMatching(/^NAT64 for 169\.254\.169\.254, link-local/),
    });
    expect(verdict('2002:c0a8:101::1')).toEqual({
      global: false,
      reason: expect.stringMatching(/^6to4 for 192\.168\.1\.1, private-use/),
    });
    // Teredo: server 65.54.227.120 (global), client ~f5fffffe = 10.0.0.1.
    expect(verdict('2001:0:4136:e378:8000:63bf:f5ff:fffe')).toEqual({
      global: false,
      reason: expect.stringMatching(/^Teredo for 10\.0\.0\.1, private-use/),
    });
    // Teredo with a private server address.
    expect(verdict('2001:0:a00:1:8000:63bf:a247:2bdd')).toEqual({
      global: false,
      reason: expect.stringMatching(/^Teredo for 10\.0\.0\.1/),
    });
    // Teredo with both addresses global (client ~a247:2bdd = 93.184.212.34).
    expect(verdict('2001:0:4136:e378:8000:63bf:a247:2bdd')).toEqual({ global: true });
  });
});

describe('--hub-allow lists', () => {
  const parse = (entries: string[]): AllowList => {
    const list = parseAllowList(entries);
    if ('error' in list) throw new Error(list.error);
    return list;
  };

  it('matches names exactly, .domain and *.domain as subdomains only, * as any name', () => {
    const allow = parse([
      'reader.example.com',
      '.feeds.example.net',
      '*.example.org',
      'Trailing.Example.',
    ]);
    expect(nameAllowed('reader.example.com', allow)).toBe(true);
    expect(nameAllowed('evil-reader.example.com', allow)).toBe(false);
    expect(nameAllowed('a.feeds.example.net', allow)).toBe(true);
    expect(nameAllowed('feeds.example.net', allow)).toBe(false);
    expect(nameAllowed('x.y.example.org', allow)).toBe(true);
    expect(nameAllowed('example.org.evil.com', allow)).toBe(false);
    expect(nameAllowed('trailing.example', allow)).toBe(true);
    expect(nameAllowed('anything.test', parse(['*']))).toBe(true);
    expect(nameAllowed('anything.test', DEFAULT_ALLOW)).toBe(true);
  });

  it('matches addresses and ranges, an IPv4 range also inside IPv4-mapped and NAT64 addresses', () => {
    const allow = parse(['192.168.1.0/24', '10.0.0.5', 'fd00::/8', '[::1]']);
    expect(listedRange(addr('192.168.1.77'), allow)).toBeDefined();
    expect(listedRange(addr('192.168.2.1'), allow)).toBeUndefined();
    expect(listedRange(addr('10.0.0.5'), allow)).toBeDefined();
    expect(listedRange(addr('10.0.0.6'), allow)).toBeUndefined();
    expect(listedRange(addr('fd12::1'), allow)).toBeDefined();
    expect(listedRange(addr('::1'), allow)).toBeDefined();
    expect(listedRange(addr('::ffff:192.168.1.9'), allow)).toBeDefined();
    expect(listedRange(addr('64:ff9b::c0a8:109'), allow)).toBeDefined();
  });

  it('says which entry is wrong and why', () => {
    expect(parseAllowList(['ok.example', 'http://x/'])).toEqual({
      entry: 'http://x/',
      error: expect.stringMatching(/not a host name/),
    });
    expect(parseAllowList(['10.0.0.0/40'])).toEqual({
      entry: '10.0.0.0/40',
      error: expect.stringMatching(/prefix length/),
    });
    expect(parseAllowList(['127.1'])).toMatchObject({ entry: '127.1' });
    expect(parseAllowList(['*.'])).toMatchObject({ entry: '*.' });
  });
});

describe('machineKey', () => {
  it('is the IPv4 address (also IPv4-mapped) or the IPv6 /64', () => {
    expect(machineKey('192.0.2.7')).toBe('192.0.2.7');
    expect(machineKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(machineKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(machineKey('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(machineKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });
});
