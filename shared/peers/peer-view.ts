import type { Peer, PeerFilters } from './routes';
import type { PeerState } from './peer-state-store';
import type { PeerLogEntry } from '../peer-log';
import { contactView, type ExchangeMember, orderContacts, portView, type Presence } from '../peeringdb';
import { qualify, routeServerReason } from './qualify';
import type { QualificationRules } from '../settings';
import { type MemberPosition, memberPosition, positionKey } from '../platform/storage/keys';

/** What embeds in a peer besides its own fields. */
export interface Embeds {
  publicIps: boolean;
  contacts: boolean;
  log: boolean;
}

export interface PeerViewContext {
  publicId: number;
  rules: QualificationRules;
  ownAsn: number | null;
  /** The ASNs the exchange names as its route servers'. */
  routeServerAsns: ReadonlySet<number>;
  embeds: Embeds;
}

export interface PeerFacts {
  member: ExchangeMember;
  state: PeerState;
  isPeer: boolean;
  log: PeerLogEntry[];
}

export function publicIps(presences: readonly Presence[]) {
  return presences.map(portView);
}

/**
 * Members are listed by lowercase name, then net id, compared as one key `<name>#<id>` exactly as the
 * reader pages them, so a filtered list and a plain one put members in the same order.
 */
export function memberOrder(member: ExchangeMember): MemberPosition {
  return memberPosition(member.network.name, member.network.id);
}

/** A member's position as one string, `<name>#<net id>`, the way storage orders members and their state. */
export const orderKey = positionKey;

export function compareOrder(a: MemberPosition, b: MemberPosition): number {
  const ka = orderKey(a);
  const kb = orderKey(b);
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

/** Our own network is never a peer of ours. */
export function isOwnNetwork(
  member: ExchangeMember,
  own: { source_participant_id: number | null; source_asn: number | null },
): boolean {
  return (
    member.network.id === own.source_participant_id ||
    (own.source_asn !== null && member.network.asn === own.source_asn)
  );
}

export function isHidden(state: PeerState, now: Date): boolean {
  return state.hidden_until !== null && Date.parse(state.hidden_until) > now.getTime();
}

export function buildPeer({ member, state, isPeer, log }: PeerFacts, ctx: PeerViewContext): Peer {
  const n = member.network;
  const verdict = qualify(n, member.contacts, ctx.rules, state.qualification_override, {
    ownAsn: ctx.ownAsn,
    routeServerAsns: ctx.routeServerAsns,
  });
  return {
    id: n.id,
    public_id: ctx.publicId,
    asn: n.asn,
    name: n.name,
    aka: n.aka,
    name_long: n.name_long,
    website: n.website,
    irr_as_set: n.irr_as_set,
    info_traffic: n.info_traffic,
    info_ratio: n.info_ratio,
    info_scope: n.info_scope,
    info_type: n.info_type,
    info_prefixes: { v4: n.info_prefixes4, v6: n.info_prefixes6 },
    info_unicast: n.info_unicast,
    info_multicast: n.info_multicast,
    info_ipv6: n.info_ipv6,
    looking_glass: n.looking_glass,
    route_server: n.route_server,
    is_route_server: routeServerReason(n, ctx.routeServerAsns) !== null,
    notes_public: n.notes,
    policy_url: n.policy_url,
    policy_general: n.policy_general,
    policy_locations: n.policy_locations,
    policy_ratio: n.policy_ratio,
    policy_contracts: n.policy_contracts,
    created: n.created,
    updated: n.updated,
    qualified: verdict.qualified,
    qualification_reasons: verdict.reasons,
    qualification_override: state.qualification_override,
    is_peer: isPeer,
    request_status: state.request_status,
    request_status_time: state.request_status_time,
    notes_private: state.notes_private,
    preferred_contact_id: state.preferred_contact_id,
    hidden_until: state.hidden_until,
    ...(ctx.embeds.publicIps ? { public_ips: publicIps(member.presences) } : {}),
    ...(ctx.embeds.contacts
      ? {
          contacts: orderContacts(member.contacts, state.preferred_contact_id).map((c) => ({
            ...contactView(c),
            preferred: c.id === state.preferred_contact_id,
          })),
        }
      : {}),
    ...(ctx.embeds.log ? { log_data: log } : {}),
  };
}

const TEXT_FILTERS = [
  'name',
  'aka',
  'website',
  'irr_as_set',
  'notes_public',
  'notes_private',
  'policy_url',
  'looking_glass',
  'route_server',
] as const;
const EXACT_FILTERS = [
  'id',
  'asn',
  'info_traffic',
  'info_ratio',
  'info_scope',
  'info_type',
  'policy_general',
  'policy_locations',
  'policy_contracts',
  'info_unicast',
  'info_multicast',
  'info_ipv6',
  'policy_ratio',
  'qualified',
  'is_peer',
  'is_route_server',
  'request_status',
] as const;

/** Whether any filter is set: then every member must be looked at, not just one page of them. */
export function hasFilters(filters: PeerFilters): boolean {
  return Object.values(filters).some((v) => v !== undefined);
}

/** The start of the day for a bare date, the instant itself otherwise. */
function instant(value: string, endOfDay: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return Date.parse(`${value}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0);
  }
  return Date.parse(value);
}

function inRange(value: string, after: string | undefined, before: string | undefined): boolean {
  const t = Date.parse(value);
  // `after` is inclusive and `before` exclusive, so that consecutive ranges never count a record twice;
  // a bare date as `before` includes that whole day.
  if (after !== undefined && !(t >= instant(after, false))) return false;
  if (before !== undefined && !(t < instant(before, true))) return false;
  return true;
}

export function matchesFilters(peer: Peer, f: PeerFilters): boolean {
  for (const field of TEXT_FILTERS) {
    const wanted = f[field];
    if (wanted === undefined) continue;
    const value = peer[field] ?? '';
    if (!value.toLowerCase().includes(wanted.toLowerCase())) return false;
  }
  for (const field of EXACT_FILTERS) {
    const wanted = f[field];
    if (wanted !== undefined && peer[field] !== wanted) return false;
  }
  if (f.info_prefixes4 !== undefined && peer.info_prefixes.v4 !== f.info_prefixes4) return false;
  if (f.info_prefixes6 !== undefined && peer.info_prefixes.v6 !== f.info_prefixes6) return false;
  if (f.info_prefixes4_min !== undefined && (peer.info_prefixes.v4 ?? -1) < f.info_prefixes4_min)
    return false;
  if (f.info_prefixes6_min !== undefined && (peer.info_prefixes.v6 ?? -1) < f.info_prefixes6_min)
    return false;
  if (!inRange(peer.created, f.created_after, f.created_before)) return false;
  if (!inRange(peer.updated, f.updated_after, f.updated_before)) return false;
  return true;
}
