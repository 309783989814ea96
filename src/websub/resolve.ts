import { lookup } from 'node:dns';

/**
 * Host name resolution for the hub's callbacks, as a value the hub checks and then connects to
 * (outbound.ts pins it): never a second lookup between the check and the connection, so a name
 * cannot be rebound to another address in between (DNS rebinding).
 *
 * The system resolver is `dns.lookup` (getaddrinfo: /etc/hosts, nsswitch, DNS — what any other
 * client on the machine would reach). It runs in libuv's thread pool, which file system work
 * shares, so at most a few lookups run at once and a caller stops waiting after a deadline.
 */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolution =
  { readonly addresses: readonly ResolvedAddress[] } | { readonly error: string };

export type Resolver = (host: string) => Promise<Resolution>;

export interface SystemResolverOptions {
  /** Lookups in flight at once (libuv's pool has 4 threads by default; leave the file system some). */
  readonly concurrency: number;
  /** A caller stops waiting after this; the lookup itself still holds its slot until it ends. */
  readonly timeoutMs: number;
}

export const DEFAULT_RESOLVER_OPTIONS: SystemResolverOptions = { concurrency: 2, timeoutMs: 5_000 };

/** Error codes that mean the name has no address (the request is wrong), not that DNS failed. */
export const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

export function systemResolver(
  options: SystemResolverOptions = DEFAULT_RESOLVER_OPTIONS,
): Resolver {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };

  return (host) =>
    new Promise<Resolution>((resolve) => {
      let settled = false;
      const settle = (resolution: Resolution) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(resolution);
      };
      const run = () => {
        if (settled) return release();
        lookup(host, { all: true, verbatim: true }, (error, addresses) => {
          release();
          if (error) return settle({ error: error.code ?? error.message });
          settle({
            addresses: addresses.map((a) => ({
              address: a.address,
              family: a.family === 6 ? 6 : 4,
            })),
          });
        });
      };
      const timer = setTimeout(() => {
        const queued = waiting.indexOf(start);
        if (queued >= 0) waiting.splice(queued, 1);
        settle({ error: 'DNS lookup timed out' });
      }, options.timeoutMs);
      timer.unref();
      const start = () => {
        running++;
        run();
      };
      if (running < options.concurrency) start();
      else waiting.push(start);
    });
}
