import { createHash } from 'node:crypto';
import { canonicalIp, type IpVersion, ipVersion, parsePrefix } from '../kernel';
import type { Platform } from './platforms';
import {
  COMMUNITY_KIND,
  LOCAL_ROLE,
  MAX_IRR_PREFIXES,
  PEER_TYPE_VALUE,
  PEER_TYPES,
  type PeerType,
} from './policy';

/**
 * Everything a renderer prints passes through here first: addresses, numbers and identifiers are
 * validated, free text is reduced to a character set that is inert in every platform's syntax
 * (no quotes, braces, semicolons, comment or escape characters, no line breaks). Renderers then
 * only arrange values that cannot change the structure of a config.
 */
export interface RenderRouter {
  hostname: string;
  asn: number;
  /** The BGP router id: a dotted quad. */
  router_id: string;
  /** The router's RPKI validators (RTR); none: routes are not checked against RPKI. */
  rtr_servers?: readonly RtrServer[] | null;
}

/** An RPKI-to-router (RTR, RFC 8210) server: an IP address or a DNS host name, and a TCP port. */
export interface RtrServer {
  host: string;
  port: number;
}

/** A peer's IRR prefix list, as built from its AS-SET; see `PreparedIrr` for what each status renders. */
export interface IrrPrefixList {
  as_set: string;
  ipv4: readonly string[];
  ipv6: readonly string[];
  status: 'ok' | 'empty' | 'too_large' | 'failed';
}

/** How a group's routes are filtered, from the settings; a session may override `irr_filter` and `peer_type`. */
export interface RenderGroupPolicy {
  /** 'peerflow' (default): peerflow writes the group's policies. 'external': the operator's, named only. */
  policy?: 'peerflow' | 'external';
  /** Accept only the prefixes of the peer's IRR prefix list (default false). */
  irr_filter?: boolean;
  /** What the neighbors of the group are (default 'peer'). */
  peer_type?: PeerType;
}

/** The settings the policies are written from. */
export interface RenderPolicy {
  /** Our own prefixes: the only routes exported, and refused when a neighbor announces them. */
  own_prefixes: readonly string[];
  /** Per peer group as sessions name it (`peer_group`; `peers` for sessions without one, as rendered). */
  groups?: Readonly<Record<string, RenderGroupPolicy>>;
}

/** No settings: peerflow's policies everywhere, nothing of our own to announce. */
export const DEFAULT_POLICY: RenderPolicy = { own_prefixes: [] };

export interface RenderSession {
  peer_ipaddr: string;
  peer_asn: number;
  peer_name: string;
  peer_group: string | null;
  prfx_max: number | null;
  /** Plain text, or a placeholder when the caller may not see it; null when none is set. */
  password: string | null;
  note: string | null;
  source_ipaddr: string | null;
  source_asn: number;
  /** The TTL of a multihop eBGP session; null or absent: one hop. */
  multihop?: number | null;
  /** The PeeringDB id of the exchange the session is at (tagged in a community); null: none. */
  exchange_id?: number | null;
  /** Overrides the group's peer type for this session. */
  peer_type?: PeerType | null;
  /** Overrides the group's IRR filtering for this session. */
  irr_filter?: boolean | null;
  /** The peer's IRR prefix list; null or absent: no list is known. */
  irr?: IrrPrefixList | null;
}

/** A value that cannot be rendered safely; the API answers it with 422. */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

export const MAX_ASN = 4_294_967_295;
export const MAX_PREFIX_LIMIT = 2_147_483_647;

/** Characters every platform takes literally inside a description or a comment. */
const UNSAFE_TEXT = /[^A-Za-z0-9 .,_:()&@+/-]+/g;
/** Passwords are restricted at input instead: routers disagree on how to escape them. */
export const PASSWORD_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~+=@:,/-]{0,79}$/;
const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isValidPassword(value: string): boolean {
  return PASSWORD_PATTERN.test(value);
}

export function isValidHostname(value: string): boolean {
  return HOSTNAME_PATTERN.test(value);
}

/**
 * Text shortened to at most `max` characters between words, never inside one ("GTT Communications
 * (AS32" would name another AS), and without a parenthesis the cut left open: the open group is
 * dropped. A single word longer than `max` is cut, as nothing else fits.
 */
export function cutAtWord(value: string, max: number): string {
  if (value.length <= max) return value;
  const room = value.slice(0, max + 1);
  const space = room.lastIndexOf(' ');
  let cut = (space > 0 ? room.slice(0, space) : value.slice(0, max)).trim();
  for (;;) {
    const open = cut.lastIndexOf('(');
    if (open === -1 || cut.indexOf(')', open) !== -1) break;
    const before = cut.slice(0, open).trim();
    if (before === '') break;
    cut = before;
  }
  return cut;
}

/** Free text reduced to the inert set: accents dropped, anything else becomes a space. */
export function safeText(value: string, max = 80): string {
  const ascii = value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return cutAtWord(ascii.replace(UNSAFE_TEXT, ' ').replace(/\s+/g, ' ').trim(), max);
}

/**
 * A peer group name as an identifier every platform accepts. Names that had to change get a short
 * hash of the original, so two different groups never merge into one. With the family suffix it
 * stays within OpenBGPD's 31 characters, the shortest limit of the eight.
 */
export function groupIdentifier(value: string | null): string {
  if (value === null || value === '') return 'peers';
  const cleaned = value
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, 20);
  if (cleaned === value) return cleaned;
  const hash = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 6);
  return `${cleaned || 'group'}_${hash}`;
}

export function checkAsn(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_ASN) {
    throw new RenderError(`${what} ${value} is not an AS number (1..${MAX_ASN})`);
  }
  return value;
}

function checkIp(value: string, what: string, version?: IpVersion): { ip: string; version: IpVersion } {
  const found = ipVersion(value);
  const canonical = canonicalIp(value);
  if (!found || !canonical || canonical !== value)
    throw new RenderError(`${what} ${value} is not a canonical IP address`);
  if (version && found !== version) throw new RenderError(`${what} ${value} is not an ${version} address`);
  return { ip: canonical, version: found };
}

export interface PreparedSession {
  ip: string;
  version: IpVersion;
  peerAsn: number;
  /** Our AS on this session when it differs from the router's. */
  localAs: number | null;
  description: string;
  comment: string | null;
  group: string;
  prefixLimit: number | null;
  password: string | null;
  sourceIp: string | null;
  /** The TTL of a multihop eBGP session, null for a peer one hop away. */
  multihop: number | null;
  /** A symbol naming the session where a platform needs one (BIRD protocol names). */
  symbol: string;
  /** Null when the group's policies are the operator's; else what peerflow checks for this session. */
  policy: PreparedSessionPolicy | null;
}

export interface PreparedSessionPolicy {
  /** The session's own import policy (`<symbol>_in`): its checks and tags, then the group's. */
  importPolicy: string;
  peerType: PeerType;
  /** Our RFC 9234 role towards the neighbor. */
  role: 'peer' | 'rs-client';
  /** Whether the first AS of each path must be the neighbor's (not for route servers). */
  firstAs: boolean;
  /** The large communities added to every route accepted, `<our AS>:<kind>:<value>`. */
  communities: string[];
  irr: PreparedIrr | null;
}

/**
 * The IRR check of a session whose group asks for it: accept only `prefixes` (each exactly), or deny
 * everything, with the reason in `note`. No list known, an empty AS-SET, a refused (too large) one or
 * a failed build with nothing kept: deny. A failed refresh that kept the last good list: that list.
 */
export type PreparedIrr =
  | { kind: 'list'; name: string; asSet: string; prefixes: string[]; note: string }
  | { kind: 'deny'; asSet: string | null; note: string };

export interface PreparedGroup {
  /** The identifier with the address family appended: `peers_v4`. */
  name: string;
  version: IpVersion;
  /** The operator's import policy for the group (`peers_v4_in`); peerflow only references it. */
  importPolicy: string;
  /** The operator's export policy for the group (`peers_v4_out`); peerflow only references it. */
  exportPolicy: string;
  /** True when peerflow writes the group's policies; false for `policy: external`. */
  managed: boolean;
  sessions: PreparedSession[];
}

/**
 * The names of the routing policies a group is attached to, the same on every platform that names
 * policies: letters, digits and underscores, so they are also BIRD filter symbols. peerflow writes
 * them, unless the group's policy is `external`: then the operator defines them on the router.
 */
export function policyNames(group: string): { importPolicy: string; exportPolicy: string } {
  return { importPolicy: `${group}_in`, exportPolicy: `${group}_out` };
}

export interface PreparedConfig {
  hostname: string;
  asn: number;
  routerId: string;
  groups: PreparedGroup[];
  /** Our own prefixes per family, canonical and sorted. */
  ownPrefixes: Record<IpVersion, string[]>;
  /** The RTR servers, validated; `address` tells an IP address from a host name. */
  rtr: { host: string; port: number; address: boolean; name: string }[];
}

/** At most this many RTR servers per router, and own prefixes in the settings. */
export const MAX_RTR_SERVERS = 8;
export const MAX_OWN_PREFIXES = 10_000;

/** A prefix in canonical form, or a RenderError naming `what`. */
export function checkPrefix(value: string, what: string): { prefix: string; version: IpVersion } {
  const parsed = parsePrefix(value);
  if (!parsed) throw new RenderError(`${what} ${String(value).slice(0, 60)} is not a canonical prefix`);
  return parsed;
}

function prefixLists(values: readonly string[], what: string): Record<IpVersion, string[]> {
  const out: Record<IpVersion, string[]> = { ipv4: [], ipv6: [] };
  for (const v of values) {
    const { prefix, version } = checkPrefix(v, what);
    if (!out[version].includes(prefix)) out[version].push(prefix);
  }
  out.ipv4.sort(comparePrefixes);
  out.ipv6.sort(comparePrefixes);
  return out;
}

function comparePrefixes(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** An RTR server checked: a port 1..65535 and a canonical IP address or a DNS host name. */
export function checkRtrServer(server: RtrServer): { host: string; port: number; address: boolean } {
  const { host, port } = server;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RenderError(`RTR port ${port} is out of range (1..65535)`);
  }
  if (typeof host === 'string' && ipVersion(host) !== undefined) {
    return { host: checkIp(host, 'RTR server').ip, port, address: true };
  }
  if (typeof host !== 'string' || !isValidHostname(host)) {
    throw new RenderError(`RTR server ${String(host).slice(0, 60)} is neither an IP address nor a host name`);
  }
  return { host: host.toLowerCase(), port, address: false };
}

function checkExchangeId(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_ASN) {
    throw new RenderError(`exchange id ${value} is out of range (1..${MAX_ASN})`);
  }
  return value;
}

function groupPolicyOf(policy: RenderPolicy, peerGroup: string | null): RenderGroupPolicy {
  return policy.groups?.[peerGroup || 'peers'] ?? {};
}

function prepareIrr(list: IrrPrefixList | null | undefined, version: IpVersion, name: string): PreparedIrr {
  if (!list) {
    return { kind: 'deny', asSet: null, note: 'IRR filtering on and no IRR prefix list known: deny all' };
  }
  const asSet = safeText(list.as_set, 80) || null;
  const source = asSet ?? 'the AS-SET';
  const given = version === 'ipv4' ? list.ipv4 : list.ipv6;
  if (given.length > MAX_IRR_PREFIXES) {
    throw new RenderError(`IRR list of ${source} holds more than ${MAX_IRR_PREFIXES} prefixes`);
  }
  const prefixes: string[] = [];
  const seen = new Set<string>();
  for (const p of given) {
    const checked = checkPrefix(p, `IRR prefix of ${source}`);
    if (checked.version !== version) {
      throw new RenderError(`IRR prefix ${checked.prefix} of ${source} is not ${version}`);
    }
    if (!seen.has(checked.prefix)) prefixes.push(checked.prefix);
    seen.add(checked.prefix);
  }
  prefixes.sort(comparePrefixes);
  const family = version === 'ipv4' ? 'IPv4' : 'IPv6';
  if (list.status === 'too_large') {
    return { kind: 'deny', asSet, note: `IRR list of ${source} refused as too large: deny all` };
  }
  if (prefixes.length === 0) {
    const why =
      list.status === 'failed'
        ? `IRR list of ${source} failed to build and none was kept`
        : `IRR list of ${source} has no ${family} prefix`;
    return { kind: 'deny', asSet, note: `${why}: deny all` };
  }
  const note =
    list.status === 'failed'
      ? `IRR list of ${source} (${family}), the last good one: the latest refresh failed`
      : `IRR list of ${source} (${family})`;
  return { kind: 'list', name, asSet: asSet ?? '', prefixes, note };
}

export function prepare(
  router: RenderRouter,
  sessions: readonly RenderSession[],
  policy: RenderPolicy = DEFAULT_POLICY,
): PreparedConfig {
  const hostname = safeText(router.hostname, 253);
  const asn = checkAsn(router.asn, 'router AS');
  const routerId = checkIp(router.router_id, 'router id', 'ipv4').ip;
  if ((policy.own_prefixes?.length ?? 0) > MAX_OWN_PREFIXES) {
    throw new RenderError(`more than ${MAX_OWN_PREFIXES} own prefixes`);
  }
  const ownPrefixes = prefixLists(policy.own_prefixes ?? [], 'own prefix');
  const servers = router.rtr_servers ?? [];
  if (servers.length > MAX_RTR_SERVERS) throw new RenderError(`more than ${MAX_RTR_SERVERS} RTR servers`);
  const rtr = servers.map((server, i) => ({ ...checkRtrServer(server), name: `pf_rtr_${i + 1}` }));
  const seen = new Set<string>();
  const groups = new Map<string, PreparedGroup>();
  for (const s of sessions) {
    const { ip, version } = checkIp(s.peer_ipaddr, 'peer address');
    if (seen.has(ip)) throw new RenderError(`peer address ${ip} appears twice`);
    seen.add(ip);
    const sourceAsn = checkAsn(s.source_asn, 'source AS');
    if (s.password !== null && !isValidPassword(s.password)) {
      throw new RenderError('password holds characters a router config cannot carry');
    }
    if (
      s.prfx_max !== null &&
      (!Number.isInteger(s.prfx_max) || s.prfx_max < 1 || s.prfx_max > MAX_PREFIX_LIMIT)
    ) {
      throw new RenderError(`prefix limit ${s.prfx_max} is out of range (1..${MAX_PREFIX_LIMIT})`);
    }
    const multihop = s.multihop ?? null;
    if (multihop !== null && (!Number.isInteger(multihop) || multihop < 1 || multihop > 255)) {
      throw new RenderError(`multihop ${multihop} is out of range (1..255)`);
    }
    const peerAsn = checkAsn(s.peer_asn, 'peer AS');
    const name = safeText(s.peer_name, 60);
    const note = s.note === null ? '' : safeText(s.note, 120);
    const group = `${groupIdentifier(s.peer_group)}_${version === 'ipv4' ? 'v4' : 'v6'}`;
    const groupPolicy = groupPolicyOf(policy, s.peer_group);
    const managed = (groupPolicy.policy ?? 'peerflow') === 'peerflow';
    const symbol = `as${peerAsn}_${ip.replace(/[.:]/g, '_')}`;
    const exchangeId = checkExchangeId(s.exchange_id);
    const peerType = s.peer_type ?? groupPolicy.peer_type ?? 'peer';
    if (!PEER_TYPES.includes(peerType)) throw new RenderError(`peer type ${String(peerType)} is unknown`);
    const irrFilter = s.irr_filter ?? groupPolicy.irr_filter ?? false;
    const communities = [
      ...(exchangeId !== null ? [`${asn}:${COMMUNITY_KIND.exchange}:${exchangeId}`] : []),
      `${asn}:${COMMUNITY_KIND.peerType}:${PEER_TYPE_VALUE[peerType]}`,
      `${asn}:${COMMUNITY_KIND.peerAs}:${peerAsn}`,
    ];
    const sessionPolicy: PreparedSessionPolicy | null = managed
      ? {
          importPolicy: `${symbol}_in`,
          peerType,
          role: LOCAL_ROLE[peerType],
          firstAs: peerType !== 'route-server',
          communities,
          irr: irrFilter ? prepareIrr(s.irr, version, `${symbol}_irr`) : null,
        }
      : null;
    const prepared: PreparedSession = {
      ip,
      version,
      peerAsn,
      localAs: sourceAsn === asn ? null : sourceAsn,
      description: name ? `AS${peerAsn} ${name}` : `AS${peerAsn}`,
      comment: note || null,
      group,
      prefixLimit: s.prfx_max,
      password: s.password,
      sourceIp: s.source_ipaddr === null ? null : checkIp(s.source_ipaddr, 'source address', version).ip,
      multihop,
      symbol,
      policy: sessionPolicy,
    };
    const bucket = groups.get(group) ?? {
      name: group,
      version,
      ...policyNames(group),
      managed,
      sessions: [],
    };
    bucket.sessions.push(prepared);
    groups.set(group, bucket);
  }
  const ordered = [...groups.values()].sort((a, b) =>
    a.version === b.version ? a.name.localeCompare(b.name) : a.version === 'ipv4' ? -1 : 1,
  );
  for (const g of ordered) g.sessions.sort((a, b) => compareIps(a.ip, b.ip));
  return { hostname, asn, routerId, groups: ordered, ownPrefixes, rtr };
}

function compareIps(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The header every config starts with, as plain words; each renderer wraps it in its comment syntax. */
export function headline(c: PreparedConfig, platform: Platform): string {
  return `peerflow BGP neighbors for ${c.hostname} (${platform}), AS${c.asn}`;
}

/** The header of a removal, as plain words; each platform wraps it in its comment syntax. */
export function removalHeadline(removed: PreparedConfig, platform: Platform): string {
  const ips = removed.groups.flatMap((g) => g.sessions.map((s) => s.ip));
  return `peerflow: remove BGP neighbor ${ips.join(', ')} from ${removed.hostname} (${platform}), AS${removed.asn}`;
}

/** The groups of `removed` that `remaining` no longer has: their declarations go with their last neighbor. */
export function emptiedGroups(removed: PreparedConfig, remaining: PreparedConfig): PreparedGroup[] {
  const kept = new Set(remaining.groups.map((g) => g.name));
  return removed.groups.filter((g) => !kept.has(g.name));
}
