/**
 * /metrics answers only to the networks of `--metrics-allow` (default: loopback), judged by the
 * TCP peer's address — never by X-Forwarded-For. Real servers on 127.0.0.1 for the loopback
 * cases; other peers are simulated by handing the app the `incoming` request @hono/node-server
 * would (its socket's remoteAddress is what the check reads).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { assembleService, type Service } from '../../src/live/assemble.js';
import { silentLogger } from '../../src/log.js';
import { BASE_URL, Sandbox, writeSeed } from '../live/harness.js';
import { startService, type Running } from '../websub/service.js';

const sandbox = new Sandbox();
let running: Running | undefined;
let assembled: Service | undefined;

afterEach(async () => {
  await running?.stop();
  await assembled?.stop();
  running = assembled = undefined;
  await sandbox.cleanup();
});

/** A service (not listening, not scanned) with these flags. */
async function service(flags: Record<string, string> = {}): Promise<Service> {
  const dirs = await sandbox.makeDirs();
  await writeSeed(dirs.seeds, 'a.md', { title: 'Alpha', day: 1, body: 'First.' });
  const config = loadConfig(
    {
      seeds: dirs.seeds,
      out: dirs.out,
      'data-dir': dirs.data,
      'base-url': BASE_URL,
      watch: false,
      ...flags,
    },
    {},
  );
  assembled = assembleService(config, silentLogger);
  return assembled;
}

/** GET /metrics as if from `remoteAddress` (what @hono/node-server passes as the env). */
function from(
  app: Service['app'],
  remoteAddress: string | undefined,
  headers: Record<string, string> = {},
) {
  const incoming = { headers: {}, url: '/metrics', socket: { remoteAddress } };
  return app.request('/metrics', { headers }, { incoming });
}

describe('/metrics access (default: loopback only)', () => {
  it('a real client on 127.0.0.1 is answered', async () => {
    running = await startService(await sandbox.makeDirs());
    const response = await fetch(`${running.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('seedfeed_scans_total');
  });

  it('loopback in every spelling is answered: 127.0.0.1, 127.8.9.10, ::1, ::ffff:127.0.0.1', async () => {
    const s = await service();
    for (const peer of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect((await from(s.app, peer)).status, peer).toBe(200);
  });

  it('any other peer gets 403 with no figures, and X-Forwarded-For does not change that', async () => {
    const s = await service();
    for (const peer of [
      '203.0.113.7',
      '10.0.0.1',
      '192.168.1.2',
      '::ffff:203.0.113.7',
      '2001:db8::1',
      'fe80::1',
      'fe80::1%eth0',
    ]) {
      const response = await from(s.app, peer, {
        'x-forwarded-for': '127.0.0.1',
        forwarded: 'for=127.0.0.1',
        'x-real-ip': '127.0.0.1',
      });
      expect(response.status, peer).toBe(403);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = await response.text();
      expect(body).not.toContain('seedfeed_');
      expect(body).toMatch(/^Forbidden/);
    }
  });

  it('no socket to judge (no peer address) is no loopback: 403', async () => {
    const s = await service();
    expect((await s.app.request('/metrics')).status).toBe(403);
    expect((await from(s.app, undefined)).status).toBe(403);
  });

  it('refused scrapes are counted (route metrics, status 403)', async () => {
    const s = await service();
    await from(s.app, '203.0.113.7');
    expect(s.metrics.render()).toContain(
      'seedfeed_http_requests_total{route="metrics",status="403"} 1',
    );
  });
});

describe('--metrics-allow / SEEDFEED_METRICS_ALLOW', () => {
  it('a real client on 127.0.0.1 is refused when loopback is not in the list', async () => {
    running = await startService(await sandbox.makeDirs(), { 'metrics-allow': '10.0.0.0/8' });
    const response = await fetch(`${running.origin}/metrics`, {
      headers: { 'x-forwarded-for': '10.1.2.3' },
    });
    expect(response.status).toBe(403);
    // The site itself is not affected.
    expect((await fetch(`${running.origin}/healthz`)).status).toBe(200);
  });

  it('other networks: IPv4 and IPv6 CIDRs, a bare address, IPv4-mapped peers', async () => {
    const s = await service({ 'metrics-allow': '10.0.0.0/8, 2001:db8::/32, 192.0.2.5' });
    for (const peer of ['10.9.8.7', '::ffff:10.9.8.7', '2001:db8:1::2', '192.0.2.5'])
      expect((await from(s.app, peer)).status, peer).toBe(200);
    for (const peer of ['127.0.0.1', '::1', '192.0.2.6', '11.0.0.1', '2001:db9::1'])
      expect((await from(s.app, peer)).status, peer).toBe(403);
  });

  it('the environment variable, and `none` (nobody, loopback included)', async () => {
    const env = (value: string) => loadConfig({ watch: false }, { SEEDFEED_METRICS_ALLOW: value });
    expect(env('192.168.0.0/16').metricsAllow).toEqual(['192.168.0.0/16']);
    expect(env('none').metricsAllow).toEqual([]);
    expect(loadConfig({ watch: false }, {}).metricsAllow).toEqual(['127.0.0.0/8', '::1/128']);
    const s = await service({ 'metrics-allow': 'none' });
    expect((await from(s.app, '127.0.0.1')).status).toBe(403);
  });

  it('a value that is no network is a configuration error naming it', () => {
    for (const bad of [
      '10.0.0.0/33',
      'localhost',
      '::1/129',
      '10.0.0/8',
      '1.2.3.4/-1',
      'example.org/8',
    ]) {
      expect(() => loadConfig({ 'metrics-allow': `127.0.0.0/8,${bad}` }, {}), bad).toThrow(
        ConfigError,
      );
      expect(() => loadConfig({ 'metrics-allow': `127.0.0.0/8,${bad}` }, {}), bad).toThrow(bad);
    }
  });
});
