/**
 * `seedfeed serve` as the tests run it: the assembled service (LiveSite, hub, metrics, app) over
 * temporary directories, behind a real socket on 127.0.0.1, with the schedule and watcher off
 * (a test triggers each scan itself).
 */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import { assembleService, type Service, type ServiceOverrides } from '../../src/live/assemble.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { BASE_URL, NEVER, type Dirs } from '../live/harness.js';

export interface Running {
  readonly service: Service;
  readonly config: Config;
  readonly origin: string;
  /** Where subscription requests go on this server (the advertised hub URL is under BASE_URL). */
  readonly hubEndpoint: string;
  stop(): Promise<void>;
}

/**
 * The subscribers in these tests listen on loopback addresses, which the hub refuses by default
 * (a callback must resolve to globally routable addresses only): every service here allows the
 * IPv4 loopback range explicitly. Pass `'hub-allow': ''` for the default, or another list.
 */
export const TEST_HUB_ALLOW = '127.0.0.0/8';

export async function startService(
  dirs: Dirs,
  flags: Record<string, string> = {},
  overrides: ServiceOverrides = {},
  logger: Logger = silentLogger,
): Promise<Running> {
  const config = loadConfig(
    {
      seeds: dirs.seeds,
      out: dirs.out,
      'data-dir': dirs.data,
      port: '0',
      cron: NEVER,
      watch: false,
      'base-url': BASE_URL,
      'hub-allow': TEST_HUB_ALLOW,
      ...flags,
    },
    {},
  );
  const service = assembleService(config, logger, { maxAge: 60, ...overrides });
  const server = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  await service.start();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped = false;
  return {
    service,
    config,
    origin,
    hubEndpoint: `${origin}/websub`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
