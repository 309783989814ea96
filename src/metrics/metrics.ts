import type { Hono } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Site } from '../render/site.js';
import type { HubStats } from '../websub/hub.js';
import type { NetworkAllowList } from './allow-list.js';
import { Exposition, Histogram, PROMETHEUS_CONTENT_TYPE } from './prometheus.js';
import { ROUTE, RequestCounters } from '../http/request-counters.js';

export interface ScanRecord {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly at: Date;
}

export interface MetricSources {
  readonly site: () => Site | undefined;
  /** Undefined when the built-in hub is off (an external hub, or none). */
  readonly hub?: () => HubStats;
}

/** Seconds; scans of a few files take milliseconds, a cold 100,000-file build about a minute. */
const SCAN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const feedCounts = new WeakMap<Site, number>();
function feedsOf(site: Site): number {
  let count = feedCounts.get(site);
  if (count === undefined) {
    count = 0;
    for (const resource of site.resources.values())
      if (resource.isFeed && !resource.contentType.startsWith('text/x-opml')) count++;
    feedCounts.set(site, count);
  }
  return count;
}

/** Everything /metrics reports: counted as it happens (requests, scans) or read when scraped. */
export class Metrics {
  readonly requests = new RequestCounters();
  private readonly scanDuration = new Histogram(SCAN_BUCKETS);
  private scansOk = 0;
  private scansFailed = 0;
  private lastSuccess: Date | undefined;

  constructor(private readonly sources: MetricSources) {}

  /** A LiveSite observer: called after every scan. */
  scanned(scan: ScanRecord): void {
    if (scan.ok) {
      this.scansOk++;
      this.lastSuccess = scan.at;
    } else {
      this.scansFailed++;
    }
    this.scanDuration.observe(scan.durationMs / 1000);
  }

  render(): string {
    const site = this.sources.site();
    const catalog = site?.catalog;
    const served200 = this.requests.siteRequests(200);
    const served304 = this.requests.siteRequests(304);
    const out = new Exposition()
      .counter('seedfeed_scans_total', 'Scans of the seeds directory, by result.', [
        { labels: { result: 'ok' }, value: this.scansOk },
        { labels: { result: 'failed' }, value: this.scansFailed },
      ])
      .histogram(
        'seedfeed_scan_duration_seconds',
        'Duration of scans (read, parse, render, export).',
        this.scanDuration,
      )
      .gauge(
        'seedfeed_last_successful_scan_timestamp_seconds',
        'Unix time of the last successful scan (0: none yet).',
        this.lastSuccess ? this.lastSuccess.getTime() / 1000 : 0,
      )
      .gauge('seedfeed_files', 'Seed files seen by the current scan result.', catalog?.files ?? 0)
      .gauge(
        'seedfeed_articles',
        'Articles after merging duplicates.',
        catalog?.articles.length ?? 0,
      )
      .gauge(
        'seedfeed_duplicates',
        'Files merged into an article another file already gave.',
        catalog?.duplicates ?? 0,
      )
      .gauge(
        'seedfeed_rejected_files',
        'Seed files that could not be used.',
        catalog?.rejected.length ?? 0,
      )
      .gauge('seedfeed_categories', 'Categories.', catalog?.categories.length ?? 0)
      .gauge(
        'seedfeed_feeds',
        'Feeds served (RSS, Atom and JSON Feed count separately).',
        site ? feedsOf(site) : 0,
      )
      .counter(
        'seedfeed_http_requests_total',
        'HTTP requests by route and status.',
        this.requests.requestSamples(),
      )
      .counter(
        'seedfeed_http_response_bytes_total',
        'Body bytes sent, by route (0 for HEAD and 304).',
        this.requests.byteSamples(),
      )
      .gauge(
        'seedfeed_http_not_modified_ratio',
        'Share of 304 among the 200 and 304 answers of feeds, pages, articles and OPML since start.',
        served200 + served304 ? served304 / (served200 + served304) : 0,
      );
    const hub = this.sources.hub?.();
    if (hub) {
      out
        .gauge(
          'seedfeed_websub_subscriptions',
          'WebSub subscriptions: active, and pending verification.',
          [
            { labels: { state: 'active' }, value: hub.active },
            { labels: { state: 'pending' }, value: hub.pending },
          ],
        )
        .counter('seedfeed_websub_verifications_total', 'Verifications of intent, by result.', [
          { labels: { result: 'ok' }, value: hub.verifications.ok },
          { labels: { result: 'failed' }, value: hub.verifications.failed },
        ])
        .counter(
          'seedfeed_websub_deliveries_total',
          'Content distribution requests, by result (each retry counts).',
          [
            { labels: { result: 'ok' }, value: hub.deliveries.ok },
            { labels: { result: 'failed' }, value: hub.deliveries.failed },
          ],
        )
        .counter(
          'seedfeed_websub_dropped_total',
          'Subscriptions dropped (failed deliveries, 410 Gone, expired leases).',
          hub.dropped,
        );
    }
    return out.toString();
  }
}

const FORBIDDEN = 'Forbidden: /metrics answers only to the networks of --metrics-allow.\n';

/**
 * Mounts `GET /metrics` on the app, answered only to peers in `allowed` (the socket's address;
 * see allow-list.ts). The figures are for the operator: request and scan counts, the catalog's
 * size, and WebSub state whose `pending` gauge told a closed port from a silent open one while a
 * subscription's verification was under way — a port-scan oracle through the hub.
 *
 * Others get 403, as Miniflux answers: the path is no secret (it is in the README), and a scraper
 * set up from the wrong network then sees why, where a 404 would look like a wrong path.
 */
export function mountMetrics(app: Hono, metrics: Metrics, allowed: NetworkAllowList): void {
  app.get('/metrics', (c) => {
    const peer = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket
      ?.remoteAddress;
    if (!allowed.allows(peer)) {
      metrics.requests.count(
        ROUTE.metrics,
        403,
        c.req.method === 'HEAD' ? 0 : Buffer.byteLength(FORBIDDEN),
      );
      return c.body(FORBIDDEN, 403, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
    }
    const body = metrics.render();
    // Counted before rendering would miss this request; counted after, it shows in the next scrape.
    metrics.requests.count(
      ROUTE.metrics,
      200,
      c.req.method === 'HEAD' ? 0 : Buffer.byteLength(body),
    );
    return c.body(body, 200, {
      'Content-Type': PROMETHEUS_CONTENT_TYPE,
      'Cache-Control': 'no-store',
    });
  });
}
