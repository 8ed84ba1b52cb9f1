import type { IpVersion } from '../kernel';

export { parsePrefix } from '../kernel';

/**
 * The facts peerflow's routing policies are made of: bogon prefixes and AS numbers, the length
 * limits, the large-community scheme and the RFC 9234 roles. Data only; prepare.ts turns a router's
 * settings into a `PreparedPolicy` and each platform writes it in its own syntax.
 */

/**
 * IPv4 prefixes no peer may announce, from the IANA IPv4 Special-Purpose Address Registry (RFC 6890
 * and the RFCs it lists) plus multicast and the reserved class E space: every entry the registry
 * marks as not globally reachable, or that never carries unicast routes. Matched with every longer
 * prefix inside it.
 */
export const BOGONS_V4: readonly string[] = [
  '0.0.0.0/8', // "this network" (RFC 791)
  '10.0.0.0/8', // private use (RFC 1918)
  '100.64.0.0/10', // shared address space (RFC 6598)
  '127.0.0.0/8', // loopback (RFC 1122)
  '169.254.0.0/16', // link local (RFC 3927)
  '172.16.0.0/12', // private use (RFC 1918)
  '192.0.0.0/24', // IETF protocol assignments (RFC 6890)
  '192.0.2.0/24', // documentation TEST-NET-1 (RFC 5737)
  '192.88.99.0/24', // deprecated 6to4 relay anycast (RFC 7526)
  '192.168.0.0/16', // private use (RFC 1918)
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '198.51.100.0/24', // documentation TEST-NET-2 (RFC 5737)
  '203.0.113.0/24', // documentation TEST-NET-3 (RFC 5737)
  '224.0.0.0/4', // multicast (RFC 5771)
  '240.0.0.0/4', // reserved, and the limited broadcast address (RFC 1112, RFC 919)
];

/**
 * IPv6 prefixes no peer may announce, from the IANA IPv6 Special-Purpose Address Registry (RFC 6890
 * and later RFCs) and the IPv6 Address Space registry: the entries not globally reachable, plus the
 * deprecated site-local and 6bone space, 6to4 and multicast. Matched with every longer prefix.
 */
export const BOGONS_V6: readonly string[] = [
  '::/8', // unspecified, loopback, IPv4-mapped, IPv4-compatible, NAT64 (RFC 4291, RFC 6052, RFC 8215)
  '100::/64', // discard only (RFC 6666)
  '2001:2::/48', // benchmarking (RFC 5180)
  '2001:10::/28', // deprecated ORCHID (RFC 4843)
  '2001:db8::/32', // documentation (RFC 3849)
  '2002::/16', // 6to4 (RFC 3056; its relays deprecated by RFC 7526)
  '3ffe::/16', // the former 6bone (RFC 3701)
  '3fff::/20', // documentation (RFC 9637)
  '5f00::/16', // SRv6 SIDs (RFC 9602)
  'fc00::/7', // unique local (RFC 4193)
  'fe80::/10', // link local (RFC 4291)
  'fec0::/10', // deprecated site local (RFC 3879)
  'ff00::/8', // multicast (RFC 4291)
];

/**
 * AS numbers that may appear nowhere in a received AS path, as inclusive ranges: reserved 0 (RFC
 * 7607), AS_TRANS (RFC 6793), documentation 64496-64511 and 65536-65551 (RFC 5398), private use
 * 64512-65534 and 4200000000-4294967294 (RFC 6996), the last of each space 65535 and 4294967295
 * (RFC 7300), and 65552-131071, reserved by IANA. Unallocated numbers are not listed: that list
 * changes with every IANA allocation and needs data peerflow does not keep.
 */
export const BOGON_ASNS: readonly (readonly [number, number])[] = [
  [0, 0],
  [23456, 23456],
  [64496, 131071],
  [4200000000, 4294967295],
];

/** Accepted prefix lengths per family: nothing longer (too specific) or shorter (too broad). */
export const PREFIX_LENGTHS: Readonly<Record<IpVersion, { min: number; max: number; bits: number }>> = {
  ipv4: { min: 8, max: 24, bits: 32 },
  ipv6: { min: 16, max: 48, bits: 128 },
};

/**
 * The large communities a route is tagged with where it was learned: `<our AS>:<kind>:<value>`.
 * Kind 1: the exchange (PeeringDB ix id); kind 2: the peer type; kind 3: the neighbor's AS.
 */
export const COMMUNITY_KIND = { exchange: 1, peerType: 2, peerAs: 3 } as const;

/** The kinds of neighbor a group or session is, and the value each has in community kind 2. */
export const PEER_TYPES = ['peer', 'route-server'] as const;
export type PeerType = (typeof PEER_TYPES)[number];
export const PEER_TYPE_VALUE: Readonly<Record<PeerType, number>> = { peer: 1, 'route-server': 2 };

/** Our RFC 9234 role towards a neighbor of each type. */
export const LOCAL_ROLE: Readonly<Record<PeerType, 'peer' | 'rs-client'>> = {
  peer: 'peer',
  'route-server': 'rs-client',
};

/** The largest IRR prefix list a session may carry per family: more is refused, never cut. */
export const MAX_IRR_PREFIXES = 100_000;

/**
 * A regular expression (POSIX ERE, as AS-path lists of IOS, EOS, XR and FRR take it) matching the
 * decimal numbers from `low` to `high` exactly.
 */
export function numberRangeRegex(low: number, high: number): string {
  return rangeParts(low, high).join('|');
}

function rangeParts(low: number, high: number): string[] {
  if (low > high) return [];
  const lowText = String(low);
  const highText = String(high);
  if (lowText.length < highText.length) {
    const split = 10 ** lowText.length - 1;
    return [...rangeParts(low, split), ...rangeParts(split + 1, high)];
  }
  return sameLength(lowText, highText);
}

/** Patterns for the numbers between two of the same number of digits. */
function sameLength(low: string, high: string): string[] {
  if (low === high) return [low];
  if (low.length === 1) return [`[${low}-${high}]`];
  let common = 0;
  while (low[common] === high[common]) common += 1;
  const prefix = low.slice(0, common);
  const l = low.slice(common);
  const h = high.slice(common);
  const rest = l.length - 1;
  const allZero = /^0*$/.test(l.slice(1));
  const allNine = /^9*$/.test(h.slice(1));
  const anyDigits = rest > 0 ? `[0-9]{${rest}}` : '';
  if (allZero && allNine) return [`${prefix}${digitClass(l[0]!, h[0]!)}${anyDigits}`];
  const out: string[] = [];
  const lowHead = Number(l[0]);
  const highHead = Number(h[0]);
  let from = lowHead;
  if (!allZero) {
    out.push(...sameLength(l.slice(1), '9'.repeat(rest)).map((p) => `${prefix}${l[0]}${p}`));
    from = lowHead + 1;
  }
  const to = allNine ? highHead : highHead - 1;
  if (from <= to) out.push(`${prefix}${digitClass(String(from), String(to))}${anyDigits}`);
  if (!allNine) out.push(...sameLength('0'.repeat(rest), h.slice(1)).map((p) => `${prefix}${h[0]}${p}`));
  return out;
}

function digitClass(from: string, to: string): string {
  return from === to ? from : `[${from}-${to}]`;
}
