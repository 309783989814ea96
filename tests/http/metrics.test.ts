import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { BASE_URL, get, get200, Sandbox, writeSeed } from '../live/harness.js';
import { startService, type Running } from '../websub/service.js';
import { hubRequest, Subscriber } from '../websub/subscriber.js';

const sandbox = new Sandbox();
let running: Running | undefined;
let sub: Subscriber | undefined;

afterEach(async () => {
  await running?.stop();
  await sub?.close();
  running = sub = undefined;
  await sandbox.cleanup();
});

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/** The value of one sample, found by metric name and (a subset of) its labels. */
function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  if (!family) expect.fail(`no metric ${name}`);
  const sample = family.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  if (!sample) expect.fail(`no sample of ${name} with ${JSON.stringify(labels)}`);
  return Number(sample.value);
}

async function scrape(
  origin: string,
): Promise<{ families: Families; text: string; type: string | null }> {
  const response = await fetch(`${origin}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return {
    families: parsePrometheusTextFormat(text),
    text,
    type: response.headers.get('content-type'),
  };
}

describe('/metrics', () => {
  it('reports scans, the catalog, requests by route and status, bytes, the 304 ratio and WebSub', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', {
      title: 'Alpha',
      day: 1,
      categories: ['News'],
      body: 'First.',
    });
    await writeSeed(dirs.seeds, 'b.md', {
      title: 'Beta',
      day: 2,
      categories: ['News', 'Sport'],
      body: 'Second.',
    });
    await writeSeed(dirs.seeds, 'b-copy.md', { title: 'Beta again', day: 3, body: 'Second.' });
    await writeFile(path.join(dirs.seeds, 'empty.md'), '');
    running = await startService(dirs);
    const r = running;

    const feed = await get200(r.origin, '/categories/news/rss.xml');
    expect(
      (await get(r.origin, '/categories/news/rss.xml', { 'if-none-match': feed.etag! })).status,
    ).toBe(304);
    const all = await get200(r.origin, '/rss.xml');
    const page = await get200(r.origin, '/');
    expect((await get(r.origin, '/no/such/page')).status).toBe(404);
    expect((await fetch(`${r.origin}/healthz`)).status).toBe(200);
    const badLimit = await fetch(`${r.origin}/rss.xml?limit=0`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(badLimit.status).toBe(400);
    const badLimitBytes = (await badLimit.arrayBuffer()).byteLength;

    sub = await new Subscriber().listen();
    expect(
      (
        await hubRequest(r.hubEndpoint, {
          'hub.mode': 'subscribe',
          'hub.topic': `${BASE_URL}/rss.xml`,
          'hub.callback': sub.callback(),
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await hubRequest(r.hubEndpoint, {
          'hub.mode': 'subscribe',
          'hub.topic': `${BASE_URL}/nope.xml`,
          'hub.callback': sub.callback(),
        })
      ).status,
    ).toBe(404);
    await r.service.hub!.idle();
    await writeSeed(dirs.seeds, 'c.md', { title: 'Gamma', day: 4, body: 'Third.' });
    await r.service.live.trigger('test');
    await r.service.hub!.idle();

    const { families, type } = await scrape(r.origin);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');

    expect(value(families, 'seedfeed_scans_total', { result: 'ok' })).toBe(2);
    expect(value(families, 'seedfeed_scans_total', { result: 'failed' })).toBe(0);
    const duration = families.find((f) => f.name === 'seedfeed_scan_duration_seconds')!;
    expect(duration.type).toBe('HISTOGRAM');
    expect(Number(duration.metrics[0]!.count)).toBe(2);
    expect(Number(duration.metrics[0]!.buckets!['+Inf'])).toBe(2);
    expect(Number(duration.metrics[0]!.sum)).toBeGreaterThan(0);
    const lastScan = value(families, 'seedfeed_last_successful_scan_timestamp_seconds');
    expect(Math.abs(lastScan - Date.now() / 1000)).toBeLessThan(30);

    expect(value(families, 'seedfeed_files')).toBe(5);
    expect(value(families, 'seedfeed_articles')).toBe(3);
    expect(value(families, 'seedfeed_duplicates')).toBe(1);
    expect(value(families, 'seedfeed_rejected_files')).toBe(1);
    expect(value(families, 'seedfeed_categories')).toBe(2);
    // All articles + News + Sport, three formats each (archive pages, when there are any, count too).
    expect(value(families, 'seedfeed_feeds')).toBeGreaterThanOrEqual(9);

    expect(value(families, 'seedfeed_http_requests_total', { route: 'feed', status: '200' })).toBe(
      2,
    );
    expect(value(families, 'seedfeed_http_requests_total', { route: 'feed', status: '304' })).toBe(
      1,
    );
    expect(value(families, 'seedfeed_http_requests_total', { route: 'feed', status: '400' })).toBe(
      1,
    );
    expect(value(families, 'seedfeed_http_requests_total', { route: 'page', status: '200' })).toBe(
      1,
    );
    expect(value(families, 'seedfeed_http_requests_total', { route: 'other', status: '404' })).toBe(
      1,
    );
    expect(
      value(families, 'seedfeed_http_requests_total', { route: 'healthz', status: '200' }),
    ).toBe(1);
    expect(
      value(families, 'seedfeed_http_requests_total', { route: 'websub', status: '202' }),
    ).toBe(1);
    expect(
      value(families, 'seedfeed_http_requests_total', { route: 'websub', status: '404' }),
    ).toBe(1);
    expect(value(families, 'seedfeed_http_response_bytes_total', { route: 'page' })).toBe(
      page.body.length,
    );
    expect(value(families, 'seedfeed_http_response_bytes_total', { route: 'feed' })).toBe(
      feed.body.length + all.body.length + badLimitBytes,
    );
    expect(value(families, 'seedfeed_http_response_bytes_total', { route: 'article' })).toBe(0);
    // 1 of the 4 site answers (3 × 200 for feeds and the page, 1 × 304) was a 304.
    expect(value(families, 'seedfeed_http_not_modified_ratio')).toBeCloseTo(1 / 4, 6);

    expect(value(families, 'seedfeed_websub_subscriptions', { state: 'active' })).toBe(1);
    expect(value(families, 'seedfeed_websub_subscriptions', { state: 'pending' })).toBe(0);
    expect(value(families, 'seedfeed_websub_verifications_total', { result: 'ok' })).toBe(1);
    expect(value(families, 'seedfeed_websub_deliveries_total', { result: 'ok' })).toBe(1);
    expect(value(families, 'seedfeed_websub_deliveries_total', { result: 'failed' })).toBe(0);

    // The scrape itself shows in the next one; a raw path never becomes a label.
    const next = await scrape(r.origin);
    expect(
      value(next.families, 'seedfeed_http_requests_total', { route: 'metrics', status: '200' }),
    ).toBe(1);
    const routes = new Set(
      next.families
        .find((f) => f.name === 'seedfeed_http_requests_total')!
        .metrics.map((m) => m.labels!.route),
    );
    expect(
      [...routes].every((route) =>
        ['feed', 'page', 'article', 'opml', 'healthz', 'websub', 'metrics', 'other'].includes(
          route!,
        ),
      ),
    ).toBe(true);
  });

  it('is served before the first scan, with zeros', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', { title: 'Alpha', day: 1, body: 'First.' });
    const { loadConfig } = await import('../../src/config.js');
    const { assembleService } = await import('../../src/live/assemble.js');
    const { silentLogger } = await import('../../src/log.js');
    const config = loadConfig(
      {
        seeds: dirs.seeds,
        out: dirs.out,
        'data-dir': dirs.data,
        'base-url': BASE_URL,
        watch: false,
      },
      {},
    );
    const service = assembleService(config, silentLogger);
    // As @hono/node-server hands the request over: /metrics reads the socket's address (loopback here).
    const response = await service.app.request(
      '/metrics',
      {},
      { incoming: { headers: {}, url: '/metrics', socket: { remoteAddress: '127.0.0.1' } } },
    );
    const families = parsePrometheusTextFormat(await response.text());
    expect(value(families, 'seedfeed_scans_total', { result: 'ok' })).toBe(0);
    expect(value(families, 'seedfeed_articles')).toBe(0);
    expect(value(families, 'seedfeed_last_successful_scan_timestamp_seconds')).toBe(0);
    expect(
      families.find((f) => f.name === 'seedfeed_scan_duration_seconds')!.metrics[0]!.count,
    ).toBe('0');
    await service.stop();
  });
});
