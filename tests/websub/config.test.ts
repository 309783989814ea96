import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { 'base-url': 'https://news.example.org/site' };

describe('--hub and --hub-allow', () => {
  it('defaults to the built-in hub under the base URL, allowing any callback host', () => {
    const config = loadConfig(base, {});
    expect(config).toMatchObject({ hubUrl: 'https://news.example.org/site/websub', builtInHub: true, hubAllow: undefined });
  });

  it('takes an external hub or none, from the flag or SEEDFEED_HUB', () => {
    expect(loadConfig({ ...base, hub: 'https://hub.example.net/' }, {})).toMatchObject({ hubUrl: 'https://hub.example.net/', builtInHub: false });
    expect(loadConfig(base, { SEEDFEED_HUB: 'none' })).toMatchObject({ hubUrl: undefined, builtInHub: false });
    expect(() => loadConfig({ ...base, hub: 'ftp://hub.example.net/' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, hub: 'not a url' }, {})).toThrow(/--hub/);
  });

  it('reads the allow list as lower-case host patterns and rejects what is not one', () => {
    expect(loadConfig(base, { SEEDFEED_HUB_ALLOW: ' Reader.Example.com, .example.org,10.0.0.7,[::1] ' }).hubAllow).toEqual([
      'reader.example.com',
      '.example.org',
      '10.0.0.7',
      '[::1]',
    ]);
    expect(() => loadConfig({ ...base, 'hub-allow': 'http://reader.example.com/' }, {})).toThrow(/--hub-allow/);
    expect(() => loadConfig({ ...base, 'hub-allow': 'a b' }, {})).toThrow(ConfigError);
  });
});
