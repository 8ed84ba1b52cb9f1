import { createHash } from 'node:crypto';
import { canonicalIp, type IpVersion, ipVersion } from '../kernel';
import type { Platform } from './platforms';

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
}

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
}

export interface PreparedGroup {
  /** The identifier with the address family appended: `peers_v4`. */
  name: string;
  version: IpVersion;
  /** The operator's import policy for the group (`peers_v4_in`); peerflow only references it. */
  importPolicy: string;
  /** The operator's export policy for the group (`peers_v4_out`); peerflow only references it. */
  exportPolicy: string;
  sessions: PreparedSession[];
}

/**
 * The names of the routing policies a group is attached to, the same on every platform that names
 * policies: letters, digits and underscores, so they are also BIRD filter symbols. peerflow never
 * writes their contents; the operator defines them on the router.
 */
export function policyNames(group: string): { importPolicy: string; exportPolicy: string } {
  return { importPolicy: `${group}_in`, exportPolicy: `${group}_out` };
}

export interface PreparedConfig {
  hostname: string;
  asn: number;
  routerId: string;
  groups: PreparedGroup[];
}

export function prepare(router: RenderRouter, sessions: readonly RenderSession[]): PreparedConfig {
  const hostname = safeText(router.hostname, 253);
  const asn = checkAsn(router.asn, 'router AS');
  const routerId = checkIp(router.router_id, 'router id', 'ipv4').ip;
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
      symbol: `as${peerAsn}_${ip.replace(/[.:]/g, '_')}`,
    };
    const bucket = groups.get(group) ?? { name: group, version, ...policyNames(group), sessions: [] };
    bucket.sessions.push(prepared);
    groups.set(group, bucket);
  }
  const ordered = [...groups.values()].sort((a, b) =>
    a.version === b.version ? a.name.localeCompare(b.name) : a.version === 'ipv4' ? -1 : 1,
  );
  for (const g of ordered) g.sessions.sort((a, b) => compareIps(a.ip, b.ip));
  return { hostname, asn, routerId, groups: ordered };
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
