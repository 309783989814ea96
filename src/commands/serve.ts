import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Io } from '../cli.js';
import type { Config } from '../config.js';
import { createApp } from '../http/app.js';
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
  // Open connections, and those with a response not yet handed to the OS, for a graceful stop.
  let closing = false;
  const connections = new Set<Socket>();
  const sending = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    sending.set(socket, (sending.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (sending.get(socket) ?? 1) - 1;
      if (left > 0) return void sending.set(socket, left);
      sending.delete(socket);
      if (closing) socket.end();
    });
  });
  await live.trigger('start');
  live.start();
  const base = config.port === 0 ? config.baseUrl.replace(/:0$/, `:${port}`) : config.baseUrl;
  logger.info('listening', { url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`, base_url: base, seeds: config.seedsDir, out: config.outDir });
  io.out(`seedfeed is serving ${config.seedsDir} at http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/\n`);

  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      logger.info('shutting_down', { signal });
      const force = setTimeout(() => {
        logger.warn('shutdown_forced', { note: 'connections still open after 5 s' });
        server.closeAllConnections();
      }, 5000);
      force.unref();
      // Stop taking new connections; let in-flight requests and a running scan/export finish.
      // Not server.close(): it also drops every connection whose response was ended but is still
      // being sent (a big feed to a slow reader would be cut off). So the listener closes alone,
      // idle connections end now, and the others as soon as their response has been sent.
      const closed = new Promise<void>((done) => net.Server.prototype.close.call(server, () => done()));
      for (const socket of connections) if (!sending.has(socket)) socket.end();
      void Promise.all([closed, live.stop()]).then(() => {
        clearTimeout(force);
        logger.info('stopped');
        resolve(0);
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
