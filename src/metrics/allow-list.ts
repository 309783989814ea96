import { BlockList, isIP } from 'node:net';

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
export function parseNetworks(text: string): { readonly networks: readonly string[] } | { readonly invalid: string } {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 1 && entries[0]!.toLowerCase() === 'none') return { networks: [] };
  const networks: string[] = [];
  for (const entry of entries) {
    const m = /^\[?([^\]/]+)\]?(?:\/(\d{1,3}))?$/.exec(entry);
    const family = m ? isIP(m[1]!) : 0;
    const max = family === 4 ? 32 : 128;
    const prefix = m?.[2] === undefined ? max : Number(m[2]);
    if (!family || prefix > max) return { invalid: entry };
    networks.push(`${m![1]!.toLowerCase()}/${prefix}`);
  }
  return { networks };
}

export class NetworkAllowList {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  /** `networks` as parseNetworks() gives them. */
  constructor(networks: readonly string[]) {
    for (const network of networks) {
      const [address, prefix] = network.split('/') as [string, string];
      this.list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
    }
    this.empty = networks.length === 0;
  }

  /**
   * Whether the peer at `address` (a socket's remoteAddress) may be answered. An IPv4-mapped IPv6
   * address (`::ffff:127.0.0.1`, what a dual-stack socket reports for an IPv4 peer) is its IPv4
   * address: node's BlockList matches it against IPv4 networks. No address (no socket): no.
   */
  allows(address: string | undefined): boolean {
    if (this.empty || address === undefined) return false;
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
