/**
 * The seed's value types: ids, ASNs and counts as strings, times as "YYYY-MM-DD HH:MM:SS" (UTC),
 * null for what is not set. v2 answers are converted here and only here.
 */
export function v1String(value: number | string | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

/**
 * The seed's ids are integers: a session, a router (the seed's resource) or a request answers its
 * number; one stored before numbers, until the migration gives it one, its UUID.
 */
export function v1Id(item: { id: string; number: number | null }): string {
  return item.number !== null ? String(item.number) : item.id;
}

export function v1Time(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

interface V2LogEntry {
  message: string;
  time: string;
  request_id: string | null;
  session_id: string | null;
  request_number?: number | null;
  session_number?: number | null;
  public_id: number;
  user: string | null;
}

export function v1Log(entries: V2LogEntry[] | undefined) {
  return (entries ?? []).map((e) => ({
    message: e.message,
    time: v1Time(e.time),
    // The seed's integer ids; entries written before numbers name the UUID.
    request_id: e.request_number != null ? String(e.request_number) : e.request_id,
    session_id: e.session_number != null ? String(e.session_number) : e.session_id,
    public_id: v1String(e.public_id),
    user: e.user,
  }));
}

/**
 * The seed's null is "nothing happened yet"; `none` is a status someone set (a reset). When the
 * time of the status is known, that tells them apart; without it, `none` reads as null.
 */
export function v1RequestStatus(status: string, since?: string | null): string | null {
  return status === 'none' && !since ? null : status;
}

interface V2Peer {
  id: number;
  public_id: number;
  asn: number;
  name: string;
  qualified: boolean;
  qualification_reasons: string[];
  is_peer: boolean;
  request_status: string;
  request_status_time?: string | null;
  info_prefixes: { v4: number | null; v6: number | null };
  public_ips?: { ipaddr4: string | null; ipaddr6: string | null }[];
  contacts?: { role: string; name: string; email: string; phone: string; url: string }[];
  log_data?: V2LogEntry[];
  [field: string]: unknown;
}

const PEER_PASSTHROUGH = [
  'aka',
  'website',
  'irr_as_set',
  'info_traffic',
  'info_ratio',
  'info_scope',
  'info_type',
  'looking_glass',
  'route_server',
  'notes_public',
  'notes_private',
  'policy_url',
  'policy_general',
  'policy_locations',
  'policy_contracts',
] as const;

/** A getPeers row: the seed's fields first, in the seed's types (is_peer 0/1, qualified boolean). */
export function v1Peer(peer: V2Peer) {
  const extra = Object.fromEntries(PEER_PASSTHROUGH.map((f) => [f, peer[f] ?? null]));
  return {
    id: v1String(peer.id),
    public_id: v1String(peer.public_id),
    asn: v1String(peer.asn),
    name: peer.name,
    qualified: peer.qualified,
    is_peer: peer.is_peer ? 1 : 0,
    request_status: v1RequestStatus(peer.request_status, peer.request_status_time),
    info_prefixes: v1String(peer.info_prefixes.v4),
    info_prefixes6: v1String(peer.info_prefixes.v6),
    public_ips: (peer.public_ips ?? []).map((ip) => ({ ipaddr4: ip.ipaddr4, ipaddr6: ip.ipaddr6 })),
    contacts: (peer.contacts ?? []).map((c) => ({
      role: c.role,
      name: c.name,
      email: c.email,
      phone: c.phone,
      url: c.url,
    })),
    log_data: v1Log(peer.log_data),
    qualification_reasons: peer.qualification_reasons,
    // Not a seed field: added after the seed's, 0/1 like is_peer.
    is_route_server: peer.is_route_server ? 1 : 0,
    ...extra,
    info_unicast: peer.info_unicast ? '1' : '',
    info_multicast: peer.info_multicast ? '1' : '',
    info_ipv6: peer.info_ipv6 ? '1' : '',
    policy_ratio: peer.policy_ratio ? 'Yes' : 'No',
    date_created: v1Time(peer.created as string),
    date_lastupdated: v1Time(peer.updated as string),
  };
}

interface V2Communication {
  id: number;
  asn: number;
  name: string;
  request_status: string;
  request_status_time: string | null;
  qualified: boolean;
  is_peer: boolean;
  log_data: V2LogEntry[];
}

/** A getCommunications row, as the seed's example: is_peer stays a boolean there. */
export function v1Communication(c: V2Communication) {
  return {
    name: c.name,
    asn: v1String(c.asn),
    request_status: v1RequestStatus(c.request_status, c.request_status_time),
    qualified: c.qualified,
    is_peer: c.is_peer,
    id: v1String(c.id),
    log_data: v1Log(c.log_data),
  };
}

interface V2Request {
  id: string;
  number: number | null;
  public_ids: number[];
  source_participant_id: number | null;
  source_asn: number;
  peer_participant_id: number;
  peer_asn: number;
  peer_name: string;
  email_type: string;
  email_from: string;
  email_to: string;
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  status: string;
  created: string;
  modified: string;
}

export function v1Request(r: V2Request) {
  return {
    id: v1Id(r),
    public_id: v1String(r.public_ids[0]),
    public_ids: r.public_ids.map(String),
    source_participant_id: v1String(r.source_participant_id),
    source_asn: v1String(r.source_asn),
    peer_participant_id: v1String(r.peer_participant_id),
    peer_asn: v1String(r.peer_asn),
    peer_name: r.peer_name,
    email_type: r.email_type,
    email_from: r.email_from,
    email_to: r.email_to,
    cc: r.cc.join(','),
    bcc: r.bcc.join(','),
    subject: r.subject,
    body: r.body,
    status: r.status,
    created: v1Time(r.created),
    modified: v1Time(r.modified),
  };
}

interface V2Session {
  id: string;
  number: number | null;
  source_asn: number;
  source_ipaddr: string | null;
  resource_id: string;
  resource_name: string;
  peer_asn: number;
  peer_name: string;
  peer_participant_id: number | null;
  peer_ipaddr: string;
  peer_hostname: string | null;
  peer_group: string | null;
  public_id: number | null;
  public_name: string | null;
  ip_type: string;
  type: string;
  state: string;
  prfx_max: number | null;
  prfx_received: number | null;
  password_set: boolean;
  note: string | null;
  created: string;
  modified: string;
  bgp_state?: string | null;
  prfx_accepted?: number | null;
  state_since?: string | null;
  last_polled?: string | null;
  flaps_24h?: number;
  abandoned?: boolean;
}

/**
 * A session row: the seed's `password` is "1" when one is set, "0" otherwise, never the secret.
 * `resourceId` is the router's v1 id (its number), which the session itself does not hold.
 */
export function v1Session(s: V2Session, resourceId: string = s.resource_id) {
  return {
    id: v1Id(s),
    source_asn: v1String(s.source_asn),
    source_ipaddr: s.source_ipaddr,
    resource_id: resourceId,
    resource_name: s.resource_name,
    peer_asn: v1String(s.peer_asn),
    peer_name: s.peer_name,
    peer_participant_id: v1String(s.peer_participant_id),
    peer_ipaddr: s.peer_ipaddr,
    peer_hostname: s.peer_hostname,
    peer_group: s.peer_group,
    public_id: v1String(s.public_id),
    public_name: s.public_name,
    ip_type: s.ip_type,
    type: s.type,
    state: s.state,
    prfx_max: v1String(s.prfx_max),
    prfx_received: v1String(s.prfx_received),
    password: s.password_set ? '1' : '0',
    note: s.note,
    created: v1Time(s.created),
    modified: v1Time(s.modified),
    // After the seed's fields: what the last poll of the router saw.
    bgp_state: s.bgp_state ?? null,
    prfx_accepted: v1String(s.prfx_accepted ?? null),
    state_since: s.state_since ? v1Time(s.state_since) : null,
    last_polled: s.last_polled ? v1Time(s.last_polled) : null,
    flaps_24h: v1String(s.flaps_24h ?? 0),
    abandoned: s.abandoned ? '1' : '0',
  };
}

/** "Session added: Amazon.com (AS8038/1.2.3.5) - (AS16509/206.126.236.68)" */
export function v1SessionLabel(s: V2Session): string {
  return `${s.peer_name} (AS${s.source_asn}/${s.source_ipaddr ?? ''}) - (AS${s.peer_asn}/${s.peer_ipaddr})`;
}
