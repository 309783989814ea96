import { isIP } from 'node:net';

/**
 * IP addresses the hub may connect to. A callback is called only when every address its host
 * resolves to is globally routable unicast; everything else — loopback, private networks, link
 * local (where cloud metadata services answer), shared CGN space, documentation, benchmarking,
 * multicast, reserved — would let a stranger use the hub to reach machines only it can reach
 * (server-side request forgery).
 *
 * The tables follow the IANA IPv4 and IPv6 Special-Purpose Address Registries
 * (https://www.iana.org/assignments/iana-ipv4-special-registry,
 * https://www.iana.org/assignments/iana-ipv6-special-registry; RFC 6890), taking every block
 * whose "Globally Reachable" is not True. IPv6 outside 2000::/3 (the only block IANA allocates
 * as global unicast, RFC 4291 §2.4) is refused as a whole. Addresses that carry an IPv4 address
 * inside (mapped, NAT64, 6to4, Teredo) are judged by that IPv4 address too.
 *
 * Pure functions over strings; addresses are held as bigints so both families share one range
 * check.
 */

export type Family = 4 | 6;

export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

export interface Range {
  readonly family: Family;
  /** The network, host bits zero. */
  readonly value: bigint;
  readonly prefix: number;
}

export type Verdict =
  | { readonly global: true }
  | {
      readonly global: false;
      /** What the address is, e.g. `loopback (127.0.0.0/8, RFC 1122)`. */
      readonly reason: string;
    };

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** Parses an IPv4 or IPv6 address (brackets and an IPv6 zone are accepted and dropped). */
export function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const unzoned = bare.replace(/%.*$/, '');
  const family = isIP(unzoned);
  if (family === 4) return { family: 4, value: ipv4Value(unzoned) };
  if (family === 6) return { family: 6, value: ipv6Value(unzoned) };
  return undefined;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

/** `isIP` has accepted it already: `::` at most once, an optional dotted IPv4 tail. */
function ipv6Value(text: string): bigint {
  let head = text;
  let tail: bigint[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Value(dotted[1]!);
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = text.slice(0, -dotted[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').map((g) => BigInt(parseInt(g, 16)));
  let all: bigint[];
  const gap = head.indexOf('::');
  if (gap >= 0) {
    const left = groups(head.slice(0, gap));
    const right = [...groups(head.slice(gap + 2)), ...tail];
    all = [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  } else {
    all = [...groups(head), ...tail];
  }
  return all.reduce((n, g) => (n << 16n) | g, 0n);
}

export function formatAddress(address: Address): string {
  if (address.family === 4)
    return [24n, 16n, 8n, 0n].map((s) => String((address.value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((address.value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  // The shortest form (RFC 5952 §4.2): the longest run of two or more zero groups becomes `::`.
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

/** `10.0.0.0/8`, `fd00::/8`, `[fd00::]/8` or a single address (a /32 or /128); undefined if not one. */
export function parseRange(text: string): Range | string | undefined {
  const slash = text.lastIndexOf('/');
  const address = parseAddress(slash >= 0 ? text.slice(0, slash) : text);
  if (!address) return undefined;
  const bits = BITS[address.family];
  if (slash < 0) return { ...address, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits)
    return `has no prefix length from 0 to ${bits}`;
  const prefix = Number(prefixText);
  const network = address.value & mask(address.family, prefix);
  if (network !== address.value)
    return `has bits set past the /${prefix} prefix (the network is ${formatAddress({ family: address.family, value: network })}/${prefix})`;
  return { family: address.family, value: network, prefix };
}

function mask(family: Family, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << (bits - BigInt(prefix));
}

export function inRange(address: Address, range: Range): boolean {
  return (
    address.family === range.family &&
    (address.value & mask(range.family, range.prefix)) === range.value
  );
}

export function formatRange(range: Range): string {
  return `${formatAddress(range)}/${range.prefix}`;
}

interface Block {
  readonly range: Range;
  readonly text: string;
  readonly what: string;
}

const block = (cidr: string, what: string): Block => ({
  range: parseRange(cidr) as Range,
  text: cidr,
  what,
});

/** IANA IPv4 Special-Purpose Address Registry entries not globally reachable, plus multicast and reserved space. */
const IPV4_BLOCKS: readonly Block[] = [
  block('0.0.0.0/8', '"this network" (RFC 791 §3.2; 0.0.0.0 reaches the local host)'),
  block('10.0.0.0/8', 'private-use (RFC 1918)'),
  block('100.64.0.0/10', 'shared address space for carrier-grade NAT (RFC 6598)'),
  block('127.0.0.0/8', 'loopback (RFC 1122 §3.2.1.3)'),
  block('169.254.0.0/16', 'link-local, where cloud metadata services answer (RFC 3927)'),
  block('172.16.0.0/12', 'private-use (RFC 1918)'),
  block('192.0.0.0/24', 'IETF protocol assignments (RFC 6890 §2.1)'),
  block('192.0.2.0/24', 'documentation, TEST-NET-1 (RFC 5737)'),
  block('192.88.99.0/24', '6to4 relay anycast, deprecated (RFC 7526)'),
  block('192.168.0.0/16', 'private-use (RFC 1918)'),
  block('198.18.0.0/15', 'benchmarking (RFC 2544)'),
  block('198.51.100.0/24', 'documentation, TEST-NET-2 (RFC 5737)'),
  block('203.0.113.0/24', 'documentation, TEST-NET-3 (RFC 5737)'),
  block('224.0.0.0/4', 'multicast (RFC 5771)'),
  block('255.255.255.255/32', 'limited broadcast (RFC 919)'),
  block('240.0.0.0/4', 'reserved (RFC 1112 §4)'),
];

/** Names for the well-known IPv6 blocks outside 2000::/3, so a refusal says what the address is. */
const IPV6_NAMED: readonly Block[] = [
  block('::1/128', 'loopback (RFC 4291 §2.5.3)'),
  block('::/128', 'unspecified (RFC 4291 §2.5.2)'),
  block('::/96', 'IPv4-compatible, deprecated (RFC 4291 §2.5.5.1)'),
  block('64:ff9b:1::/48', 'local-use IPv4/IPv6 translation (RFC 8215)'),
  block('100::/64', 'discard-only (RFC 6666)'),
  block('fc00::/7', 'unique local (RFC 4193)'),
  block('fe80::/10', 'link-local (RFC 4291 §2.5.6)'),
  block('fec0::/10', 'site-local, deprecated (RFC 3879)'),
  block('ff00::/8', 'multicast (RFC 4291 §2.7)'),
];

const GLOBAL_UNICAST_V6 = parseRange('2000::/3') as Range;

/** Special-purpose blocks inside 2000::/3. */
const IPV6_BLOCKS: readonly Block[] = [
  block('2001:db8::/32', 'documentation (RFC 3849)'),
  block('3fff::/20', 'documentation (RFC 9637)'),
  // 2001::/32 (Teredo) is unwrapped before this; the rest of 2001::/23 is protocol assignments.
  block('2001::/23', 'IETF protocol assignments (RFC 2928)'),
];

/** IPv6 prefixes with an IPv4 address inside: where it sits, and how it is stored. */
const EMBEDDING: ReadonlyArray<{ range: Range; what: string; extract: (v: bigint) => bigint[] }> = [
  // RFC 4291 §2.5.5.2: the socket connects to the IPv4 address itself.
  {
    range: parseRange('::ffff:0:0/96') as Range,
    what: 'IPv4-mapped',
    extract: (v) => [v & 0xffffffffn],
  },
  // RFC 6052 §2.1: the well-known NAT64 prefix; a NAT64 gateway forwards to the IPv4 address.
  { range: parseRange('64:ff9b::/96') as Range, what: 'NAT64', extract: (v) => [v & 0xffffffffn] },
  // RFC 3056 §2: 6to4, the IPv4 address in bits 16–47.
  {
    range: parseRange('2002::/16') as Range,
    what: '6to4',
    extract: (v) => [(v >> 80n) & 0xffffffffn],
  },
  // RFC 4380 §4: Teredo, the server's IPv4 address in bits 32–63, the client's inverted in the last 32.
  {
    range: parseRange('2001::/32') as Range,
    what: 'Teredo',
    extract: (v) => [(v >> 64n) & 0xffffffffn, ~v & 0xffffffffn],
  },
];

/** Whether the hub may connect to `address`, and if not, why. */
export function classifyAddress(address: Address): Verdict {
  if (address.family === 4) {
    const hit = IPV4_BLOCKS.find((b) => inRange(address, b.range));
    return hit ? { global: false, reason: `${hit.what}, ${hit.text}` } : { global: true };
  }
  for (const embedding of EMBEDDING) {
    if (!inRange(address, embedding.range)) continue;
    for (const value of embedding.extract(address.value)) {
      const inner: Address = { family: 4, value };
      const verdict = classifyAddress(inner);
      if (!verdict.global)
        return {
          global: false,
          reason: `${embedding.what} for ${formatAddress(inner)}, ${verdict.reason}`,
        };
    }
    return { global: true };
  }
  if (!inRange(address, GLOBAL_UNICAST_V6)) {
    const hit = IPV6_NAMED.find((b) => inRange(address, b.range));
    return {
      global: false,
      reason: hit
        ? `${hit.what}, ${hit.text}`
        : 'outside 2000::/3, the global unicast space (RFC 4291 §2.4)',
    };
  }
  const hit = IPV6_BLOCKS.find((b) => inRange(address, b.range));
  return hit ? { global: false, reason: `${hit.what}, ${hit.text}` } : { global: true };
}

/** The IPv4 addresses an IPv6 address carries (mapped, NAT64, 6to4, Teredo), so an allowed IPv4 range matches them too. */
export function embeddedIpv4(address: Address): Address[] {
  if (address.family === 4) return [];
  const embedding = EMBEDDING.find((e) => inRange(address, e.range));
  return embedding
    ? embedding.extract(address.value).map((value) => ({ family: 4 as const, value }))
    : [];
}
