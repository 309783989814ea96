import {
  embeddedIpv4,
  formatRange,
  inRange,
  parseAddress,
  parseRange,
  type Address,
  type Range,
} from '../net/address.js';

/**
 * `--hub-allow`: which callbacks the built-in hub may call. Entries are
 *
 * - `reader.example.com`: that host name; `.example.org` or `*.example.org`: its subdomains
 *   (not itself); `*`: any host name;
 * - `10.0.0.5`, `[fd00::5]`: that address; `192.168.1.0/24`, `fd00::/8`: that range.
 *
 * Two rules, both applied to every request:
 *
 * 1. Who: without a list any host may be named. With one, the callback's host must match a name
 *    entry, or every address it resolves to must lie in a listed address or range.
 * 2. Where: every address the host resolves to must be globally routable (address.ts) or lie in a
 *    listed address or range. A name entry never lets a private address through: a name is only
 *    as trustworthy as whoever answers for it in DNS, and an allowed name rebound to 127.0.0.1
 *    must not reach the loopback. Private readers are allowed by their addresses.
 */
export interface AllowList {
  /** No list, or a `*` entry: rule 1 lets any host name through. */
  readonly anyHost: boolean;
  readonly names: ReadonlySet<string>;
  /** `.example.org`: subdomains. */
  readonly suffixes: readonly string[];
  readonly ranges: readonly Range[];
}

export const DEFAULT_ALLOW: AllowList = {
  anyHost: true,
  names: new Set(),
  suffixes: [],
  ranges: [],
};

const NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/;

/** Reads the entries (already split at commas); a string is the first entry's problem. */
export function parseAllowList(
  entries: readonly string[] | undefined,
): AllowList | { readonly error: string; readonly entry: string } {
  if (entries === undefined) return DEFAULT_ALLOW;
  let anyHost = false;
  const names = new Set<string>();
  const suffixes: string[] = [];
  const ranges: Range[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '*') {
      anyHost = true;
      continue;
    }
    const range = parseRange(entry);
    if (typeof range === 'string') return { error: range, entry: raw };
    if (range) {
      ranges.push(range);
      continue;
    }
    const subdomains = /^\*?\./.exec(entry);
    const name = normaliseHost(subdomains ? entry.slice(subdomains[0].length) : entry);
    if (!NAME.test(name) || /^[\d.]+$/.test(name))
      return {
        error: 'is not a host name, address, range (10.0.0.0/8), .domain pattern or *',
        entry: raw,
      };
    if (subdomains) suffixes.push(`.${name}`);
    else names.add(name);
  }
  return { anyHost, names, suffixes, ranges };
}

/** A host name as compared: lower case, without the root's trailing dot (`Reader.Example.` is `reader.example`). */
export function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** Rule 1 by name alone; `host` is a normalised name. */
export function nameAllowed(host: string, allow: AllowList): boolean {
  return (
    allow.anyHost || allow.names.has(host) || allow.suffixes.some((suffix) => host.endsWith(suffix))
  );
}

/** The listed range holding `address` (or the IPv4 address it carries), if any. */
export function listedRange(address: Address, allow: AllowList): Range | undefined {
  for (const candidate of [address, ...embeddedIpv4(address)]) {
    const range = allow.ranges.find((r) => inRange(candidate, r));
    if (range) return range;
  }
  return undefined;
}
