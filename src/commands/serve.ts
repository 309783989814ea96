import type { AddressInfo } from 'node:net';
import type { Io } from './io.js';
import type { Config } from '../config.js';
import { gracefulCloser } from '../http/graceful.js';
import { createSiteServer, listen } from '../http/server.js';
import { layoutRefusal } from '../export/layout.js';
import { assembleService } from '../live/assemble.js';
import { LiveSite } from '../live/service.js';
import { bufferedStderr, createLogger } from '../log.js';
import { accessLog } from '../http/access-log.js';
import { boundHeapGrowth } from '../workers/heap.js';
import { handleSignals } from './signals.js';

const MAX_AGE_CAP_SECONDS = 300;

/** `seedfeed serve`: scan, export, serve, and follow the seeds directory until SIGINT/SIGTERM; SIGHUP rescans. */
export async function runServe(config: Config, io: Io): Promise<number> {
  const refused = layoutRefusal(config); // before anything is read, written or listened on
  if (refused) {
    io.err(`seedfeed: ${refused}\n`);
    return 2;
  }
  boundHeapGrowth();
  const pretty =
    config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stderr.isTTY === true);
  const logger = createLogger({
    level: config.logLevel,
    format: pretty ? 'pretty' : 'json',
    write: bufferedStderr(),
  });
  const maxAge = Math.min(LiveSite.intervalSeconds(config.cron), MAX_AGE_CAP_SECONDS);

  // The app is made once the port is known: with `--port 0` the links in feeds name the real one.
  let fetch: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const server = createSiteServer((request, env) => fetch(request, env), {
    hostname: config.host,
    ...(config.accessLog ? { onRequest: accessLog(logger) } : {}),
  });
  try {
    await listen(server, config.host, config.port);
  } catch (error) {
    io.err(
      `seedfeed: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const { port } = server.address() as AddressInfo;
  const listening = withListeningPort(config, port);
  const service = assembleService(listening, logger, { maxAge });
  const { live, app } = service;
  fetch = app.fetch;
  // After listening, an error here (accept failing when out of file descriptors) must not end the process.
  server.on('error', (error) => logger.error('server_error', { error: error.message }));
  const closeServer = gracefulCloser(server);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  // Signals are handled from here on, also during a long first scan (docs/signals.md).
  const stopped = new Promise<number>((resolve) => {
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      logger.info('shutting_down', { signal });
      const force = setTimeout(() => {
        logger.warn('shutdown_forced', { note: 'connections still open after 5 s' });
        server.closeAllConnections();
      }, 5000);
      force.unref();
      // Stop taking requests; let in-flight ones and a running scan or export finish.
      void Promise.all([closeServer(), service.stop()]).then(() => {
        clearTimeout(force);
        unhandle();
        logger.info('stopped');
        resolve(0);
      });
    };
    const unhandle = handleSignals(
      {
        stop: shutdown,
        // A SIGHUP during the first scan queues one more scan after it.
        reload: (signal) => void live.reload(signal),
        status: (signal) =>
          logger.info('status', {
            signal,
            pid: process.pid,
            uptime_s: Math.round(process.uptime()),
            rss_bytes: process.memoryUsage.rss(),
            health: live.health().body,
          }),
      },
      logger,
    );
  });

  // The watcher and the schedule first: a file written during the first scan (minutes at
  // 100,000 files) is looked at right after it, not at the next scheduled rescan.
  await live.start();
  await service.start();
  logger.info('listening', {
    url: `http://${host}:${port}/`,
    base_url: listening.baseUrl,
    seeds: config.seedsDir,
    out: config.outDir,
  });
  io.out(`seedfeed is serving ${config.seedsDir} at http://${host}:${port}/\n`);
  return stopped;
}

/** With `--port 0` and no `--base-url`, the default base URL (and the built-in hub's) names the port the system chose. */
export function withListeningPort(config: Config, port: number): Config {
  if (config.port !== 0 || !/:0$/.test(config.baseUrl)) return config;
  const baseUrl = config.baseUrl.replace(/:0$/, `:${port}`);
  return {
    ...config,
    port,
    baseUrl,
    hubUrl: config.builtInHub ? `${baseUrl}/websub` : config.hubUrl,
  };
}
