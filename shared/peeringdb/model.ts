import * as z from '../platform/zod';

/**
 * PeeringDB objects as peerflow stores and reads them (not a blind copy of the API: the fields the
 * domain uses, with PeeringDB's names). The sync writes these; everything else reads them through
 * `PeeringDbReader`. Ids are PeeringDB's own: `ix.id` is a `public_id`, `net.id` a `participant_id`.
 */
const nullableString = z.nullable(z.string());

export const NetworkSchema = z.object({
  id: z.int(),
  org_id: z.nullable(z.int()),
  asn: z.int(),
  name: z.string(),
  aka: z.string(),
  name_long: z.string(),
  website: z.string(),
  irr_as_set: z.string(),
  info_traffic: z.string(),
  info_ratio: z.string(),
  info_scope: z.string(),
  info_type: z.string(),
  /** Stored since route servers are marked; older items have none. */
  info_types: z._default(z.array(z.string()), []),
  info_prefixes4: z.nullable(z.int()),
  info_prefixes6: z.nullable(z.int()),
  info_unicast: z.boolean(),
  info_multicast: z.boolean(),
  info_ipv6: z.boolean(),
  looking_glass: z.string(),
  route_server: z.string(),
  notes: z.string(),
  policy_url: z.string(),
  policy_general: z.string(),
  policy_locations: z.string(),
  policy_ratio: z.boolean(),
  policy_contracts: z.string(),
  created: z.string(),
  updated: z.string(),
});
export type Network = z.infer<typeof NetworkSchema>;

export const ExchangeSchema = z.object({
  id: z.int(),
  org_id: z.nullable(z.int()),
  name: z.string(),
  name_long: z.string(),
  city: z.string(),
  country: z.string(),
  region_continent: z.string(),
  media: z.string(),
  website: z.string(),
  tech_email: z.string(),
  policy_email: z.string(),
  proto_unicast: z.boolean(),
  proto_ipv6: z.boolean(),
  created: z.string(),
  updated: z.string(),
});
export type Exchange = z.infer<typeof ExchangeSchema>;

export const ExchangePrefixSchema = z.object({
  id: z.int(),
  ixlan_id: z.int(),
  ix_id: z.int(),
  protocol: z.enum(['IPv4', 'IPv6']),
  prefix: z.string(),
  in_dfz: z.boolean(),
  updated: z.string(),
});
export type ExchangePrefix = z.infer<typeof ExchangePrefixSchema>;

/** A netixlan row: one network's port (and addresses) on one exchange LAN. */
export const PresenceSchema = z.object({
  id: z.int(),
  net_id: z.int(),
  ix_id: z.int(),
  ixlan_id: z.int(),
  asn: z.int(),
  ipaddr4: nullableString,
  ipaddr6: nullableString,
  speed: z.int(),
  is_rs_peer: z.boolean(),
  operational: z.boolean(),
  created: z.string(),
  updated: z.string(),
});
export type Presence = z.infer<typeof PresenceSchema>;

/** A poc row: a network's contact; roles Policy, Technical, NOC, Abuse, Maintenance, Public Relations, Sales. */
export const ContactSchema = z.object({
  id: z.int(),
  net_id: z.int(),
  role: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.string(),
  url: z.string(),
  visible: z.string(),
  updated: z.string(),
});
export type Contact = z.infer<typeof ContactSchema>;

/** The roles a peering contact is sought in, in the order they are tried; every other role comes after. */
export const CONTACT_ROLE_ORDER = ['Policy', 'Technical', 'NOC'] as const;

/** A role's place in CONTACT_ROLE_ORDER (any case); every other role ranks after those, equally. */
export function contactRoleRank(role: string): number {
  const i = CONTACT_ROLE_ORDER.findIndex((r) => r.toLowerCase() === role.toLowerCase());
  return i === -1 ? CONTACT_ROLE_ORDER.length : i;
}

/**
 * Contacts in the order to write to them: the preferred one (a coordinator's choice) first, then
 * Policy, Technical, NOC, then the rest; by id within a role.
 */
export function orderContacts(contacts: readonly Contact[], preferredId: number | null = null): Contact[] {
  const rank = (c: Contact) => (c.id === preferredId ? -1 : contactRoleRank(c.role));
  return [...contacts].sort((a, b) => rank(a) - rank(b) || a.id - b.id);
}

/** A contact as the API shows it: PeeringDB's fields for reaching someone, without the sync's bookkeeping. */
export const ContactViewSchema = z.pick(ContactSchema, {
  id: true,
  role: true,
  name: true,
  email: true,
  phone: true,
  url: true,
});
export type ContactView = z.infer<typeof ContactViewSchema>;

export function contactView(c: Contact): ContactView {
  return { id: c.id, role: c.role, name: c.name, email: c.email, phone: c.phone, url: c.url };
}

/** A port as the API shows it: a netixlan row's addresses, speed and state. */
export const PortViewSchema = z.pick(PresenceSchema, {
  ipaddr4: true,
  ipaddr6: true,
  speed: true,
  is_rs_peer: true,
  operational: true,
});
export type PortView = z.infer<typeof PortViewSchema>;

export function portView(p: Presence): PortView {
  return {
    ipaddr4: p.ipaddr4,
    ipaddr6: p.ipaddr6,
    speed: p.speed,
    is_rs_peer: p.is_rs_peer,
    operational: p.operational,
  };
}

/** One network at one exchange, with everything the peers view embeds. */
export interface ExchangeMember {
  network: Network;
  /** Its netixlan rows at this exchange (a network may have several ports). */
  presences: Presence[];
  /** Its contacts, Policy role first, then Technical, then NOC, then the rest. */
  contacts: Contact[];
}

export interface MemberPage {
  members: ExchangeMember[];
  next_cursor: string | null;
}

/**
 * The read side of the PeeringDB data. Implemented over the table in `peeringdb-store.ts`.
 * `listExchangeMembers` is the hot path of getPeers: it makes a bounded number of DynamoDB requests
 * per call whatever the page size (no request per member).
 */
export interface PeeringDbReader {
  getExchange(ixId: number): Promise<Exchange | undefined>;
  getExchangePrefixes(ixId: number): Promise<ExchangePrefix[]>;
  /** The ASNs an exchange's LANs name as their route servers' (PeeringDB `ixlan.rs_asn`). */
  getRouteServerAsns(ixId: number): Promise<number[]>;
  getNetwork(netId: number): Promise<Network | undefined>;
  getNetworkByAsn(asn: number): Promise<Network | undefined>;
  getNetworkContacts(netId: number): Promise<Contact[]>;
  /** Every netixlan row of a network, at every exchange. */
  getNetworkPresences(netId: number): Promise<Presence[]>;
  /** Members ordered by network name (case-insensitive), then net id; stable across pages. */
  listExchangeMembers(ixId: number, page: { limit: number; cursor?: string }): Promise<MemberPage>;
  /** All members of an exchange (the same order), for filters that must see every member. */
  allExchangeMembers(ixId: number): Promise<ExchangeMember[]>;
  getExchangeMember(ixId: number, netId: number): Promise<ExchangeMember | undefined>;
  /** netixlan rows holding this exact IPv4 or IPv6 address (normalized). */
  findPresencesByIp(ip: string): Promise<Presence[]>;
  /** The exchange prefixes holding this address, of every exchange (lowest exchange id first). */
  findPrefixesHolding(ip: string): Promise<ExchangePrefix[]>;
}
