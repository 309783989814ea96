import { describe, expect, it } from 'vitest';
import { withListeningPort } from '../../src/commands/serve.js';
import { loadConfig } from '../../src/config.js';

describe('withListeningPort', () => {
  it('puts the chosen port into the default base URL and the built-in hub', () => {
    const config = withListeningPort(loadConfig({ port: '0' }, {}), 41234);
    expect(config.baseUrl).toBe('http://127.0.0.1:41234');
    expect(config.hubUrl).toBe('http://127.0.0.1:41234/websub');
  });

  it('leaves an explicit base URL, an external hub, --hub none and a fixed port alone', () => {
    expect(
      withListeningPort(
        loadConfig({ port: '0', 'base-url': 'https://news.example.org' }, {}),
        41234,
      ).baseUrl,
    ).toBe('https://news.example.org');
    const external = withListeningPort(
      loadConfig({ port: '0', hub: 'https://hub.example.net/' }, {}),
      41234,
    );
    expect(external.baseUrl).toBe('http://127.0.0.1:41234');
    expect(external.hubUrl).toBe('https://hub.example.net/');
    expect(
      withListeningPort(loadConfig({ port: '0', hub: 'none' }, {}), 41234).hubUrl,
    ).toBeUndefined();
    expect(withListeningPort(loadConfig({ port: '8080' }, {}), 8080).baseUrl).toBe(
      'http://127.0.0.1:8080',
    );
  });
});
