import { BlockList, isIP } from 'node:net';
import type { IpType } from './vocabulary';

/**
 * IP addresses as sessions store them: one canonical text per address (lower-case, IPv6 compressed),
 * so the (router, peer IP) uniqueness cannot be dodged by spelling an address differently.
 */
export type IpVersion = IpType;

export function ipVersion(value: string): IpVersion | undefined {
  // Zone ids (fe80::1%eth0) name a local interface: never a peer address.
  if (value.includes('%')) return undefined;
  const v = isIP(value);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/** The canonical text of a valid address, or undefined. */
export function canonicalIp(value: string): string | undefined {
  const version = ipVersion(value);
  if (!version) return undefined;
  if (version === 'ipv4') return value;
  // The WHATWG URL parser prints IPv6 hosts in the RFC 5952 form.
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

/**
 * The one spelling of an address that lookups compare (surrounding blanks ignored): IPv4 dotted
 * quad, IPv6 compressed and lowercase (RFC 5952). Null for anything that is not an address.
 */
export function normalizeIp(input: string): string | null {
  return canonicalIp(input.trim()) ?? null;
}

/** Whether `ip` lies in any of the CIDR prefixes (prefixes of the other family are ignored). */
export function inAnyPrefix(ip: string, prefixes: readonly string[]): boolean {
  const version = ipVersion(ip);
  if (!version) return false;
  const list = new BlockList();
  let usable = 0;
  for (const prefix of prefixes) {
    const [network, bits] = prefix.split('/');
    if (!network || bits === undefined || ipVersion(network) !== version) continue;
    const length = Number(bits);
    if (!Number.isInteger(length) || length < 0 || length > (version === 'ipv4' ? 32 : 128)) continue;
    list.addSubnet(network, length, version);
    usable += 1;
  }
  return usable > 0 && list.check(ip, version);
}

/**
 * Why `ip` cannot be an address at the exchange named `exchange` (outside every prefix of its
 * family), or null when it lies in one of them. An exchange PeeringDB lists no prefix of that family
 * for cannot be checked, and is not held against the address: filling such gaps is what presence
 * overrides are for.
 */
export function outsidePrefixes(ip: string, exchange: string, prefixes: readonly string[]): string | null {
  if (inAnyPrefix(ip, prefixes)) return null;
  const family = ipVersion(ip) ?? 'IP';
  const own = prefixes.filter((p) => ipVersion(p.split('/')[0] ?? '') === family);
  if (own.length === 0 && family !== 'IP') return null;
  return `${ip} is not in the ${family} prefixes of ${exchange} (${own.join(', ') || 'none'})`;
}
