import {
  classifyAddress,
  embeddedIpv4,
  formatAddress,
  inRange,
  parseAddress,
  parseRange,
  type Range,
} from '../net/address.js';
import { listedRange, nameAllowed, normaliseHost, type AllowList } from './allow.js';
import { NOT_FOUND, type ResolvedAddress, type Resolver } from './resolve.js';

/**
 * Where a callback URL may be called: its host resolved once, every address checked against
 * --hub-allow (allow.ts) and the special-purpose registries (address.ts). The result is what
 * the request connects to (outbound.ts), so the address checked is the address called.
 */
export interface Target {
  readonly url: URL;
  /** The host as compared: lower case, no brackets, no trailing dot. */
  readonly host: string;
  /** Every address the host resolved to, each one checked; the connection uses these only. */
  readonly addresses: readonly ResolvedAddress[];
  /** The machine behind the callback, for per-target limits: the first address, an IPv6 one by its /64. */
  readonly key: string;
}

export interface TargetRefusal {
  readonly status: 400 | 403 | 503;
  readonly reason: string;
  /** The refusal is the allow list's or the registries' verdict, not a failed lookup that may pass later. */
  readonly policy: boolean;
}

export function isTarget(value: Target | TargetRefusal): value is Target {
  return 'addresses' in value;
}

/** RFC 6761 §6.3: `localhost` and names under it are the loopback, whatever a resolver would say. */
const LOCALHOST: readonly ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

export async function resolveTarget(
  url: URL,
  allow: AllowList,
  resolve: Resolver,
): Promise<Target | TargetRefusal> {
  const host = normaliseHost(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  const literal = parseAddress(host);
  // Rule 1 of allow.ts by name: a listed name, or any name without a list.
  const namedOk = allow.anyHost || (!literal && nameAllowed(host, allow));
  if (!namedOk && allow.ranges.length === 0)
    return {
      status: 403,
      reason: `hub.callback host ${host} is not allowed by --hub-allow`,
      policy: true,
    };

  let addresses: readonly ResolvedAddress[];
  if (literal) addresses = [{ address: formatAddress(literal), family: literal.family }];
  else if (host === 'localhost' || host.endsWith('.localhost')) addresses = LOCALHOST;
  else {
    const resolution = await resolve(host);
    if ('error' in resolution) {
      return NOT_FOUND.has(resolution.error)
        ? {
            status: 400,
            reason: `hub.callback host ${host} does not resolve (${resolution.error})`,
            policy: false,
          }
        : {
            status: 503,
            reason: `hub.callback host ${host} could not be resolved (${resolution.error}); try again later`,
            policy: false,
          };
    }
    addresses = resolution.addresses;
    if (addresses.length === 0)
      return { status: 400, reason: `hub.callback host ${host} has no address`, policy: false };
  }

  const named = literal ? 'is' : 'resolves to';
  for (const { address } of addresses) {
    const parsed = parseAddress(address);
    if (!parsed)
      return {
        status: 403,
        reason: `hub.callback host ${host} ${named} ${address}, which is not an IP address`,
        policy: true,
      };
    if (listedRange(parsed, allow)) continue;
    // Rule 2 first: it names what the address is, the more useful answer.
    const verdict = classifyAddress(parsed);
    if (!verdict.global) {
      return {
        status: 403,
        reason: `hub.callback host ${host} ${named} ${formatAddress(parsed)}: ${verdict.reason}; not globally routable, and no --hub-allow range holds it`,
        policy: true,
      };
    }
    if (!namedOk)
      return {
        status: 403,
        reason: `hub.callback host ${host} is not allowed by --hub-allow (${formatAddress(parsed)} is in none of its ranges)`,
        policy: true,
      };
  }
  return { url, host, addresses, key: machineKey(addresses[0]!.address) };
}

const MAPPED = parseRange('::ffff:0:0/96') as Range;

/**
 * One machine, for limits on clients and on targets: an IPv4 address (also when IPv4-mapped, as
 * a dual-stack socket reports it), or an IPv6 address's /64 — one site's subnet, whose hosts any
 * one holder can use at will (RFC 4291 §2.5.1 interface identifiers are 64 bits).
 */
export function machineKey(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  if (parsed.family === 4) return formatAddress(parsed);
  if (inRange(parsed, MAPPED)) return formatAddress(embeddedIpv4(parsed)[0]!);
  return `${formatAddress({ family: 6, value: (parsed.value >> 64n) << 64n })}/64`;
}
