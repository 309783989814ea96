import {
  formatRange,
  inRange,
  parseAddress,
  parseRange,
  type Address,
  type Range,
} from '../net/address.js';

/**
 * Which peers may read /metrics: networks in CIDR notation, matched on the address of the TCP
 * peer (Miniflux's METRICS_ALLOWED_NETWORKS works the same way). Never on X-Forwarded-For or
 * Forwarded: any client can write those. Behind a reverse proxy the peer is the proxy; allow its
 * address only if the proxy itself keeps /metrics to itself.
 */

/** Loopback only: a scraper on the same machine, or one reaching it through an SSH tunnel. */
export const DEFAULT_METRICS_NETWORKS = '127.0.0.0/8,::1/128';

/**
 * `127.0.0.0/8,::1/128` → the networks, written `address/prefix` (a bare address is one host).
 * `none` or an empty list: nobody. Returns the first entry that is no network instead.
 */
export function parseNetworks(
  text: string,
): { readonly networks: readonly string[] } | { readonly invalid: string } {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 1 && entries[0]!.toLowerCase() === 'none') return { networks: [] };
  const networks: string[] = [];
  for (const entry of entries) {
    const range = asRange(entry);
    if (!range) return { invalid: entry };
    networks.push(formatRange(range));
  }
  return { networks };
}

function asRange(text: string): Range | undefined {
  const range = parseRange(text);
  return typeof range === 'object' ? range : undefined;
}

/** `::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4 peer, is that IPv4 peer. */
const MAPPED_PREFIX = 0xffffn << 32n;
function unmapped(address: Address): Address {
  return address.family === 6 && address.value >> 32n === MAPPED_PREFIX >> 32n
    ? { family: 4, value: address.value & 0xffffffffn }
    : address;
}

export class NetworkAllowList {
  private readonly networks: readonly Range[];

  /** `networks` as parseNetworks() gives them. */
  constructor(networks: readonly string[]) {
    this.networks = networks.flatMap((text) => asRange(text) ?? []);
  }

  /** Whether the peer at `address` (a socket's remoteAddress) may be answered. No address (no socket): no. */
  allows(address: string | undefined): boolean {
    const parsed = address === undefined ? undefined : parseAddress(address);
    if (!parsed) return false;
    const peer = unmapped(parsed);
    return this.networks.some((network) => inRange(peer, network));
  }
}
