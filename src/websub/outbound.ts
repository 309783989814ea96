import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './resolve.js';

/**
 * The hub's requests to subscribers' callbacks. Each has a deadline, follows no redirect (a 3xx
 * is an answer, not a pointer: a callback could otherwise send the hub to a host --hub-allow
 * refuses), and reads at most a small part of the answer.
 *
 * Made with node:http(s) rather than fetch for two reasons:
 * - the connection goes to the addresses that were checked (target.ts), given to the socket's
 *   own `lookup`, so no second DNS answer can slip in between check and connect; the URL's host
 *   still names the request (Host header, TLS SNI and certificate check);
 * - the body is written as it is: one feed version's bytes are shared by all its deliveries
 *   (fetch copies a Uint8Array body for every request).
 */

export interface OutboundOptions {
  /** The whole exchange (connect, send, answer) ends after this. */
  readonly timeoutMs: number;
  /** Most bytes of a response body read; the rest is discarded unread. */
  readonly maxBodyBytes: number;
  /** Aborts the request early (the hub stopping). */
  readonly signal?: AbortSignal;
}

export interface Outcome {
  /** HTTP status, or 0 when no answer came (refused, reset, timed out). */
  readonly status: number;
  /** The first `maxBodyBytes` bytes of the body, as UTF-8. */
  readonly body: string;
  readonly error?: string;
}

export interface CallInit {
  readonly method: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
}

/**
 * One request to `url`. With `pinned`, the socket connects to those addresses only (all of them
 * checked; Node tries them in order, as happy eyeballs would); without, the system resolves the
 * host (for the operator's own --hub, which no stranger names).
 */
export function callOut(
  url: URL,
  init: CallInit,
  options: OutboundOptions,
  pinned?: readonly ResolvedAddress[],
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let done = false;
    const finish = (outcome: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method,
        headers: {
          'User-Agent': 'seedfeed-websub-hub',
          Host: url.host,
          ...(init.body ? { 'Content-Length': String(init.body.byteLength) } : {}),
          ...init.headers,
        },
        // A fresh connection each time: a pooled one could have been opened to an address checked
        // for another request.
        agent: false,
        ...(pinned ? { lookup: pinnedLookup(pinned) } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = () => {
          // Stop reading; whatever the callback still sends is dropped with the connection.
          response.destroy();
          request.destroy();
          finish({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, options.maxBodyBytes).toString('utf8'),
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (size >= options.maxBodyBytes) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= options.maxBodyBytes) answer();
        });
        response.on('end', answer);
        response.on('error', (error) => finish({ status: 0, body: '', error: describe(error) }));
      },
    );
    const fail = (error: string) => {
      request.destroy();
      finish({ status: 0, body: '', error });
    };
    const deadline = setTimeout(() => fail('timed out'), options.timeoutMs);
    const onAbort = () => fail('aborted');
    if (options.signal?.aborted) return fail('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => finish({ status: 0, body: '', error: describe(error) }));
    request.end(init.body);
  });
}

/** A socket lookup that answers with the checked addresses, whatever DNS says now. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = typeof options === 'object' ? options.family : undefined;
    const wanted =
      family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    if (wanted.length === 0) {
      const error = Object.assign(new Error('no checked address of the requested family'), {
        code: 'ENOTFOUND',
      });
      return void (callback as (e: NodeJS.ErrnoException) => void)(error);
    }
    if (typeof options === 'object' && options.all)
      return void (callback as (e: null, a: ResolvedAddress[]) => void)(null, [...wanted]);
    (callback as (e: null, a: string, f: number) => void)(
      null,
      wanted[0]!.address,
      wanted[0]!.family,
    );
  };
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}
