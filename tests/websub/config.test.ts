import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { 'base-url': 'https://news.example.org/site' };

describe('--hub and --hub-allow', () => {
  it('defaults to the built-in hub under the base URL, with no allow list (any host with global addresses)', () => {
    const config = loadConfig(base, {});
    expect(config).toMatchObject({
      hubUrl: 'https://news.example.org/site/websub',
      builtInHub: true,
      hubAllow: undefined,
    });
  });

  it('takes an external hub or none, from the flag or SEEDFEED_HUB', () => {
    expect(loadConfig({ ...base, hub: 'https://hub.example.net/' }, {})).toMatchObject({
      hubUrl: 'https://hub.example.net/',
      builtInHub: false,
    });
    expect(loadConfig(base, { SEEDFEED_HUB: 'none' })).toMatchObject({
      hubUrl: undefined,
      builtInHub: false,
    });
    expect(() => loadConfig({ ...base, hub: 'ftp://hub.example.net/' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, hub: 'not a url' }, {})).toThrow(/--hub/);
  });

  it('reads the allow list: host names, subdomain patterns, *, addresses and CIDR ranges; rejects what is not one', () => {
    expect(
      loadConfig(base, {
        SEEDFEED_HUB_ALLOW:
          ' Reader.Example.com, .example.org,10.0.0.7,[::1], 192.168.1.0/24, fd00::/8, *',
      }).hubAllow,
    ).toEqual([
      'reader.example.com',
      '.example.org',
      '10.0.0.7',
      '[::1]',
      '192.168.1.0/24',
      'fd00::/8',
      '*',
    ]);
    expect(() => loadConfig({ ...base, 'hub-allow': 'http://reader.example.com/' }, {})).toThrow(
      /--hub-allow/,
    );
    expect(() => loadConfig({ ...base, 'hub-allow': 'a b' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, 'hub-allow': '10.0.0.0/33' }, {})).toThrow(
      /prefix length from 0 to 32/,
    );
    expect(() => loadConfig({ ...base, 'hub-allow': '192.168.1.5/24' }, {})).toThrow(
      /the network is 192\.168\.1\.0\/24/,
    );
    expect(() => loadConfig({ ...base, 'hub-allow': '127.1' }, {})).toThrow(/--hub-allow: "127.1"/);
  });
});
