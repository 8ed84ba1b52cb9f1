import type { IpVersion } from '../kernel';
import { BOGON_ASNS, BOGONS_V4, BOGONS_V6, numberRangeRegex, PREFIX_LENGTHS } from './policy';
import type { PreparedConfig, PreparedGroup, PreparedSession } from './prepare';

/**
 * peerflow's policies in route-map syntax, the dialect FRR, Cisco IOS and Arista EOS share: prefix
 * lists, AS-path lists and route-maps. Per managed group: `<group>_in` (bogons, lengths, our own
 * prefixes, bogon AS numbers, RPKI-invalid) and `<group>_out` (our own prefixes only). Per session:
 * `<symbol>_in` denies a first AS other than the neighbor's and what is outside its IRR list, then
 * calls the group's map and tags the route. "Not in a list" is a list that denies its entries and
 * permits the rest, so that a `deny` entry of the route-map matches it.
 */
export interface RouteMapDialect {
  /** Indentation of the lines inside a route-map entry. */
  readonly indent: string;
  /** The RPKI match of an invalid route; null where the platform has none. */
  readonly rpkiInvalid: string | null;
  /** How a route-map runs another as a subroutine; null where it cannot (the group's entries are repeated). */
  readonly call: ((name: string) => string) | null;
  /** Large communities added to a route; null where the platform has none (the tags are left out). */
  readonly largeCommunities: ((values: readonly string[]) => string) | null;
  /** A prefix list's lines. */
  readonly prefixList: (
    version: IpVersion,
    name: string,
    entries: readonly { action: 'permit' | 'deny'; prefix: string }[],
  ) => string[];
  /** An AS-path list's lines, regular expressions in order. */
  readonly asPathList: (
    name: string,
    entries: readonly { action: 'permit' | 'deny'; regex: string }[],
  ) => string[];
  /** The route-map entry's end, if the dialect closes one. */
  readonly exitEntry: string | null;
}

const BOGONS = { ipv4: BOGONS_V4, ipv6: BOGONS_V6 } as const;
const suffix = (v: IpVersion) => (v === 'ipv4' ? 'v4' : 'v6');
const matchPrefixList = (v: IpVersion, name: string) =>
  `match ${v === 'ipv4' ? 'ip' : 'ipv6'} address prefix-list ${name}`;

/** The regular expression of an AS path with any bogon AS number in it. */
export function bogonAsPathRegex(): string {
  const numbers = BOGON_ASNS.map(([lo, hi]) => numberRangeRegex(lo, hi)).join('|');
  return `_(${numbers})_`;
}

const anyPrefix = (v: IpVersion) => (v === 'ipv4' ? '0.0.0.0/0' : '::/0');
const within = (v: IpVersion, prefix: string) => `${prefix} le ${PREFIX_LENGTHS[v].bits}`;

/** Lists and maps of every managed group and session of `c`, before the `router bgp` block. */
export function routeMapPolicies(c: PreparedConfig, d: RouteMapDialect): string[] {
  const managed = c.groups.filter((g) => g.managed);
  if (managed.length === 0) return [];
  const out: string[] = ['! peerflow routing policy: bogons (RFC 6890 registries), lengths, our prefixes'];
  for (const v of new Set(managed.map((g) => g.version))) {
    const { min, max } = PREFIX_LENGTHS[v];
    out.push(
      ...d.prefixList(
        v,
        `pf_bogons_${suffix(v)}`,
        BOGONS[v].map((p) => ({ action: 'permit' as const, prefix: within(v, p) })),
      ),
      ...d.prefixList(v, `pf_length_${suffix(v)}`, [
        { action: 'permit', prefix: `${anyPrefix(v)} ge ${max + 1}` },
        { action: 'permit', prefix: `${anyPrefix(v)} le ${min - 1}` },
      ]),
    );
    if (c.ownPrefixes[v].length > 0) {
      const own = c.ownPrefixes[v];
      out.push(
        ...d.prefixList(
          v,
          `pf_own_${suffix(v)}`,
          own.map((p) => ({ action: 'permit' as const, prefix: p })),
        ),
        ...d.prefixList(
          v,
          `pf_own_more_${suffix(v)}`,
          own.map((p) => ({ action: 'permit' as const, prefix: within(v, p) })),
        ),
      );
    }
  }
  out.push(...d.asPathList('pf_bogon_asns', [{ action: 'permit', regex: bogonAsPathRegex() }]), '!');
  for (const g of managed) out.push(...groupMaps(c, g, d));
  for (const g of managed) for (const s of g.sessions) out.push(...sessionMap(c, g, s, d));
  return out;
}

function entry(d: RouteMapDialect, name: string, action: 'permit' | 'deny', seq: number, lines: string[]) {
  return [
    `route-map ${name} ${action} ${seq}`,
    ...lines.map((l) => `${d.indent}${l}`),
    ...(d.exitEntry ? [d.exitEntry] : []),
  ];
}

/** The deny entries of a group's import checks, in the map `name`. */
function groupDenies(c: PreparedConfig, g: PreparedGroup, d: RouteMapDialect, name: string): string[] {
  const v = g.version;
  const out = [
    ...entry(d, name, 'deny', 10, [matchPrefixList(v, `pf_bogons_${suffix(v)}`)]),
    ...entry(d, name, 'deny', 20, [matchPrefixList(v, `pf_length_${suffix(v)}`)]),
  ];
  if (c.ownPrefixes[v].length > 0) {
    out.push(...entry(d, name, 'deny', 30, [matchPrefixList(v, `pf_own_more_${suffix(v)}`)]));
  }
  out.push(...entry(d, name, 'deny', 40, ['match as-path pf_bogon_asns']));
  if (c.rtr.length > 0 && d.rpkiInvalid) out.push(...entry(d, name, 'deny', 50, [d.rpkiInvalid]));
  return out;
}

function groupMaps(c: PreparedConfig, g: PreparedGroup, d: RouteMapDialect): string[] {
  const v = g.version;
  const out = [...groupDenies(c, g, d, g.importPolicy), ...entry(d, g.importPolicy, 'permit', 100, [])];
  if (c.ownPrefixes[v].length > 0) {
    out.push(...entry(d, g.exportPolicy, 'permit', 10, [matchPrefixList(v, `pf_own_${suffix(v)}`)]));
  } else {
    out.push('! no own prefixes in the settings: nothing to announce');
    out.push(...entry(d, g.exportPolicy, 'deny', 10, []));
  }
  out.push('!');
  return out;
}

function sessionMap(c: PreparedConfig, g: PreparedGroup, s: PreparedSession, d: RouteMapDialect): string[] {
  const p = s.policy!;
  const v = g.version;
  const out: string[] = [];
  if (p.firstAs) {
    out.push(
      ...d.asPathList(`${s.symbol}_not_first`, [
        { action: 'deny', regex: `^${s.peerAsn}_` },
        { action: 'permit', regex: '.*' },
      ]),
    );
  }
  if (p.irr?.kind === 'list') {
    out.push(
      `! ${p.irr.note}`,
      ...d.prefixList(v, `${p.irr.name}_not`, [
        ...p.irr.prefixes.map((prefix) => ({ action: 'deny' as const, prefix })),
        { action: 'permit', prefix: within(v, anyPrefix(v)) },
      ]),
    );
  }
  if (p.firstAs) out.push(...entry(d, p.importPolicy, 'deny', 5, [`match as-path ${s.symbol}_not_first`]));
  if (p.irr?.kind === 'list') {
    out.push(...entry(d, p.importPolicy, 'deny', 6, [matchPrefixList(v, `${p.irr.name}_not`)]));
  }
  if (p.irr?.kind === 'deny') {
    out.push(`! ${p.irr.note}`, ...entry(d, p.importPolicy, 'deny', 6, []));
  } else {
    const tags = d.largeCommunities ? [d.largeCommunities(p.communities)] : [];
    if (d.call) out.push(...entry(d, p.importPolicy, 'permit', 100, [d.call(g.importPolicy), ...tags]));
    else out.push(...groupDenies(c, g, d, p.importPolicy), ...entry(d, p.importPolicy, 'permit', 100, tags));
  }
  out.push('!');
  return out;
}

/** Cisco-style prefix list lines, one statement per entry (FRR, IOS). */
export function ciscoPrefixList(
  version: IpVersion,
  name: string,
  entries: readonly { action: 'permit' | 'deny'; prefix: string }[],
): string[] {
  const kind = version === 'ipv4' ? 'ip' : 'ipv6';
  return entries.map((e, i) => `${kind} prefix-list ${name} seq ${(i + 1) * 5} ${e.action} ${e.prefix}`);
}

/**
 * The lines that remove what a session's own policy defined (its route-map, IRR list and first-AS
 * list), in the route-map dialect's `no` form; run after its neighbor is gone. The group's lists stay:
 * other sessions, or a later one, use them.
 */
export function sessionPolicyRemoval(c: PreparedConfig, asPathList: (name: string) => string): string[] {
  const out: string[] = [];
  for (const g of c.groups) {
    for (const s of g.sessions) {
      const p = s.policy;
      if (!p) continue;
      out.push(`no route-map ${p.importPolicy}`);
      if (p.irr?.kind === 'list')
        out.push(`no ${g.version === 'ipv4' ? 'ip' : 'ipv6'} prefix-list ${p.irr.name}_not`);
      if (p.firstAs) out.push(asPathList(`${s.symbol}_not_first`));
    }
  }
  return out;
}
