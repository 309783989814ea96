import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Io } from '../cli.js';
import type { Config } from '../config.js';
import { createApp } from '../http/app.js';
import { gracefulCloser } from '../http/graceful.js';
import { LiveSite } from '../live/service.js';
import { createLogger } from '../log.js';

const MAX_AGE_CAP_SECONDS = 300;

/** `seedfeed serve`: scan, export, serve, and follow the seeds directory until SIGINT/SIGTERM. */
export async function runServe(config: Config, io: Io): Promise<number> {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stderr.isTTY === true);
  const logger = createLogger({ level: config.logLevel, format: pretty ? 'pretty' : 'json' });
  const live = new LiveSite({ config, logger });
  const maxAge = Math.min(LiveSite.intervalSeconds(config.cron), MAX_AGE_CAP_SECONDS);
  const app = createApp({ site: () => live.current(), health: () => live.health(), maxAge, limit: config.limit, logger });

  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    io.err(`seedfeed: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`);
    return 1;
  }
  const { port } = server.address() as AddressInfo;
  const closeServer = gracefulCloser(server);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  // Signals are handled from here on, also during a long first scan.
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
      void Promise.all([closeServer(), live.stop()]).then(() => {
        clearTimeout(force);
        logger.info('stopped');
        resolve(0);
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });

  await live.trigger('start');
  live.start();
  const base = config.port === 0 ? config.baseUrl.replace(/:0$/, `:${port}`) : config.baseUrl;
  logger.info('listening', { url: `http://${host}:${port}/`, base_url: base, seeds: config.seedsDir, out: config.outDir });
  io.out(`seedfeed is serving ${config.seedsDir} at http://${host}:${port}/\n`);
  return stopped;
}
