import type { Hono } from 'hono';
import type { Config } from '../config.js';
import { createApp } from '../http/app.js';
import type { Logger } from '../log.js';
import { NetworkAllowList } from '../metrics/allow-list.js';
import { Metrics, mountMetrics } from '../metrics/metrics.js';
import { mountWebSub } from '../websub/endpoint.js';
import { WebSubHub, type HubOptions } from '../websub/hub.js';
import { HubPinger } from '../websub/publish.js';
import { exportedSite } from './exported-site.js';
import { LiveSite, type LiveOptions } from './service.js';

export interface Service {
  readonly live: LiveSite;
  readonly app: Hono;
  readonly metrics: Metrics;
  /** The built-in WebSub hub; undefined with an external hub or `--hub none`. */
  readonly hub: WebSubHub | undefined;
  /** Tells an external hub (`--hub URL`) which feeds changed; undefined otherwise. */
  readonly pinger: HubPinger | undefined;
  /** Restores the hub's subscriptions, then runs the first scan (before the schedule starts). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceOverrides {
  readonly maxAge?: number;
  readonly live?: Partial<Omit<LiveOptions, 'config' | 'logger' | 'observers'>>;
  /** Hub settings (short retries in tests). */
  readonly hub?: Partial<Omit<HubOptions, 'site' | 'hubUrl' | 'baseUrl' | 'dir' | 'logger'>>;
}

/** The running parts of `seedfeed serve`, wired together: LiveSite, the WebSub hub, metrics, the app. */
export function assembleService(
  config: Config,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Service {
  let live: LiveSite | undefined;
  const site = () => live?.current();
  const hub =
    config.builtInHub && config.hubUrl
      ? new WebSubHub({
          hubUrl: config.hubUrl,
          baseUrl: config.baseUrl,
          site,
          allow: config.hubAllow,
          dir: config.dataDir,
          logger: logger.child({ part: 'websub' }),
          ...overrides.hub,
        })
      : undefined;
  const pinger =
    !config.builtInHub && config.hubUrl
      ? new HubPinger(config.hubUrl, logger.child({ part: 'websub' }))
      : undefined;
  const metrics = new Metrics({ site, ...(hub ? { hub: () => hub.stats() } : {}) });
  live = new LiveSite({
    config,
    logger,
    ...overrides.live,
    observers: [metrics, ...(hub ? [hub] : []), ...(pinger ? [pinger] : [])],
  });
  const running = live;
  const maxAge = overrides.maxAge ?? Math.min(LiveSite.intervalSeconds(config.cron), 300);
  const app = createApp({
    site,
    health: () => running.health(),
    maxAge,
    limit: config.limit,
    logger,
    requests: metrics.requests,
    mount: (app) => {
      // Only to the peers --metrics-allow names (loopback by default), by the socket's address.
      mountMetrics(app, metrics, new NetworkAllowList(config.metricsAllow));
      if (hub && config.hubUrl)
        mountWebSub(app, new URL(config.hubUrl).pathname, hub, metrics.requests);
      // Until the first scan is done, the last export answers (instead of 503).
      app.get(
        '*',
        exportedSite({
          outDir: config.outDir,
          baseUrl: config.baseUrl,
          cacheControl: `public, max-age=${maxAge}`,
          requests: metrics.requests,
          site,
          validators: () => running.restoredValidators(),
        }),
      );
    },
  });
  return {
    live: running,
    app,
    metrics,
    hub,
    pinger,
    async start() {
      await hub?.start();
      await running.trigger('start');
    },
    async stop() {
      await running.stop();
      await hub?.stop();
      await pinger?.idle();
    },
  };
}
